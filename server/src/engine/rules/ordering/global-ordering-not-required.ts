import { defineRule } from '../../rule';
import { named } from '../../text';
import { allCitedRequirements, citedRequirements, elementOf, pairShared } from '../../designIndex';
import { str } from '../../model';
import { keysBefore } from '../../schema';
import type { TextEdit } from '../../types';
import { requirementKeys } from './partition-key-missing';

export const globalOrderingNotRequired = defineRule({
  id: 'ORD003',
  name: 'global-ordering-not-required',
  area: 'ordering',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Avoid unless the PRD explicitly requires it', section: 'Ordering Guarantees › Global Ordering' },
  docs: {
    summary: '`ordering: global` on a channel none of whose cited requirements says `ordering: global`.',
    why: 'Global ordering "severely limits throughput and availability": "Avoid unless the PRD explicitly requires it". "Assuming global ordering when only per-partition ordering is needed" is one of the knowledge contract\'s anti-patterns; per-partition ordering keeps the sequence that matters "within a context (e.g., per user, per order)".',
    example: {
      bad: 'design: shop\ndsl: 1\nrequirements:\n  - id: R1\n    text: Events of one order are applied in order\n    ordering: per-key\n    ordering_key: order_id\nchannels:\n  - name: order-events\n    delivery: at-most-once\n    ordering: global\n    requirements: [R1]\n',
      good: 'design: shop\ndsl: 1\nrequirements:\n  - id: R1\n    text: Events of one order are applied in order\n    ordering: per-key\n    ordering_key: order_id\nchannels:\n  - name: order-events\n    delivery: at-most-once\n    ordering: per-partition\n    partition_key: order_id\n    requirements: [R1]\n',
    },
    fix: 'Replaces `global` with `per-partition` and, when the channel has no `partition_key`, adds the one `ordering_key` its requirements name. When no key is known (no `partition_key`, and the requirements name none or several) it offers `ordering: none` if every cited requirement says `ordering: none`, and otherwise declines: the context identifier is the author\'s to state. Weakening a guarantee is the author\'s call: preferred, but not safe. Silent (and no fix) when a cited requirement names nothing or its `ordering` is invalid. Declines when another channel shares the value through a `<<` merge: rewriting it would change both.',
  },
  on: 'channel',
  check(el, ctx) {
    const f = el.fields.get('ordering');
    if (!f || str(el, 'ordering') !== 'global') {
      return;
    }
    const reqs = allCitedRequirements(ctx.index, el);
    if (!reqs || reqs.some((r) => r.fields.has('ordering') && str(r, 'ordering') === undefined)) {
      return;
    }
    if (reqs.some((r) => str(r, 'ordering') === 'global')) {
      return;
    }
    const cites = reqs.length
      ? `none of its requirements (${reqs.map((r) => r.name ?? '?').join(', ')}) requires it`
      : 'it cites no requirement that requires it';
    ctx.report({
      range: f.range,
      message: `${named('channel', el.name)} asks for global ordering, which severely limits throughput and availability, but ${cites}`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.channels, finding);
    const f = el?.fields.get('ordering');
    if (!el || !f || f.range[0] !== finding.range[0] || pairShared(ctx.design, el, 'ordering')) {
      return undefined;
    }
    const edits: TextEdit[] = [ctx.edit.replaceScalar(f, 'per-partition')];
    let title = 'Use `per-partition` ordering';
    if (!el.fields.has('partition_key')) {
      const keys = [...requirementKeys(ctx.index, el).keys()];
      if (keys.length !== 1) {
        // Requirements that all say order does not matter ask for no ordering at all.
        const reqs = citedRequirements(ctx.index, el);
        if (!keys.length && reqs.length && reqs.every((r) => str(r, 'ordering') === 'none')) {
          return [{ title: 'Use no ordering guarantee (`ordering: none`)', edits: [ctx.edit.replaceScalar(f, 'none')], preferred: true }];
        }
        return undefined;
      }
      edits.push(ctx.edit.insertKeyAfter(el, keysBefore('channel', 'partition_key'), 'partition_key', keys[0]));
      title += ` by \`${keys[0]}\``;
    }
    return [{ title, edits, preferred: true }];
  },
});
