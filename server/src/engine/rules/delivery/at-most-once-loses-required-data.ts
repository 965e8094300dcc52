import { defineRule } from '../../rule';
import { named } from '../../text';
import { citedRequirements, elementOf, pairShared } from '../../designIndex';
import { str } from '../../model';

export const atMostOnceLosesRequiredData = defineRule({
  id: 'DLV003',
  name: 'at-most-once-loses-required-data',
  area: 'delivery',
  severity: 'error',
  waivable: true,
  contract: { quote: 'Use when: loss is acceptable, retries are not, throughput is priority', section: 'Delivery Guarantees › At-Most-Once' },
  docs: {
    summary: '`delivery: at-most-once` on a channel that cites a requirement with `loss: unacceptable`.',
    why: 'At-most-once: "Message may be lost but never delivered twice"; use it when "loss is acceptable". When the PRD says loss is unacceptable, the guarantee that meets it is at-least-once: "Message is never lost but may be delivered more than once", the "Most common default for production systems".',
    example: {
      bad: 'design: shop\ndsl: 1\nrequirements:\n  - id: R1\n    text: Every payment is recorded in the ledger\n    loss: unacceptable\nchannels:\n  - name: payment-events\n    delivery: at-most-once\n    ordering: none\n    out_of_order: entries carry the payment version\n    requirements: [R1]\n',
      good: 'design: shop\ndsl: 1\nrequirements:\n  - id: R1\n    text: Every payment is recorded in the ledger\n    loss: unacceptable\nchannels:\n  - name: payment-events\n    delivery: at-least-once\n    ordering: none\n    out_of_order: entries carry the payment version\n    requirements: [R1]\n',
    },
    fix: 'Replaces `at-most-once` with `at-least-once`, keeping the value\'s quotes: the one guarantee that meets the requirement without defaulting to exactly-once; a suggestion all the same, since it changes a stated guarantee: `--fix` leaves it to the author. Consumers that neither deduplicate nor are idempotent are then DLV004\'s to report. Declines when another channel shares the value through a `<<` merge: rewriting it would change both.',
  },
  on: 'channel',
  check(el, ctx) {
    const f = el.fields.get('delivery');
    if (!f || str(el, 'delivery') !== 'at-most-once') {
      return;
    }
    const strict = citedRequirements(ctx.index, el).filter((r) => str(r, 'loss') === 'unacceptable');
    if (!strict.length) {
      return;
    }
    const who = named('channel', el.name);
    const names = strict.map((r) => r.name ?? '?');
    const says = names.length === 1 ? `${names[0]} says` : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} say`;
    ctx.report({
      range: f.range,
      message: `${who} delivers at most once, so a message may be lost, but ${says} loss is unacceptable`,
      related: strict.map((r) => ({
        range: r.fields.get('loss')!.range,
        message: `${r.name ?? 'this requirement'}: loss is unacceptable`,
      })),
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.channels, finding);
    const f = el?.fields.get('delivery');
    if (!el || !f || f.range[0] !== finding.range[0] || pairShared(ctx.design, el, 'delivery')) {
      return undefined;
    }
    return [{ title: 'Use `at-least-once` delivery', edits: [ctx.edit.replaceScalar(f, 'at-least-once')], preferred: true }];
  },
});
