import { defineRule } from '../../rule';
import { named } from '../../text';
import { allCitedRequirements, elementOf, pairShared } from '../../designIndex';
import { childElements, str } from '../../model';
import { keysBefore } from '../../schema';
import type { TextEdit } from '../../types';
import { consumerProtection, DEDUPLICATION } from './consumer-not-idempotent';

export const exactlyOnceNotRequired = defineRule({
  id: 'DLV002',
  name: 'exactly-once-not-required',
  area: 'delivery',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Do not default to exactly-once unless the PRD requires it', section: 'Delivery Guarantees' },
  docs: {
    summary: '`delivery: exactly-once` on a channel none of whose cited requirements says `duplicates: harmful`.',
    why: 'Exactly-once comes at "significant complexity, performance overhead, and coordination cost", and is "Often achieved via idempotency + at-least-once rather than true exactly-once protocol". "Choose the weakest guarantee that meets PRD requirements. Do not default to exactly-once unless the PRD requires it." Only a requirement that says duplicates are harmful asks for it.',
    example: {
      bad: 'design: shop\ndsl: 1\nrequirements:\n  - id: R1\n    text: Page views are counted for trends\n    duplicates: tolerable\nchannels:\n  - name: page-views\n    delivery: exactly-once\n    mechanism: transactional\n    ordering: none\n    out_of_order: counts are commutative\n    requirements: [R1]\n',
      good: 'design: shop\ndsl: 1\nrequirements:\n  - id: R1\n    text: Page views are counted for trends\n    duplicates: tolerable\nchannels:\n  - name: page-views\n    delivery: at-least-once\n    ordering: none\n    out_of_order: counts are commutative\n    requirements: [R1]\n    consumers:\n      - service: analytics\n        deduplication: {key: event_id, window: 7d}\n',
    },
    fix: 'Replaces `exactly-once` with `at-least-once`, removes the channel\'s `mechanism` (how exactly-once was achieved; a comment on its line stays), and adds `deduplication: {key: event_id, window: 7d}` to each consumer that neither deduplicates nor is idempotent (DLV004 would report it otherwise). It weakens a stated guarantee and names a deduplication key only the author knows: preferred, but not safe, so `--fix` leaves it to the author. Silent (and no fix) when a cited requirement names nothing or its `duplicates` is invalid. Declines when another channel shares the value through a `<<` merge: rewriting it would change both.',
  },
  on: 'channel',
  check(el, ctx) {
    const f = el.fields.get('delivery');
    if (!f || str(el, 'delivery') !== 'exactly-once') {
      return;
    }
    const reqs = allCitedRequirements(ctx.index, el);
    if (!reqs) {
      return;
    }
    if (reqs.some((r) => r.fields.has('duplicates') && str(r, 'duplicates') === undefined)) {
      return; // an invalid `duplicates` is DSN003's; it might have meant `harmful`
    }
    if (reqs.some((r) => str(r, 'duplicates') === 'harmful')) {
      return;
    }
    const who = named('channel', el.name);
    const cites = reqs.length
      ? `none of its requirements (${reqs.map((r) => r.name ?? '?').join(', ')}) says duplicates are harmful`
      : 'it cites no requirement that says duplicates are harmful';
    ctx.report({
      range: f.range,
      message: `${who} asks for exactly-once delivery, but ${cites}: at-least-once with consumer deduplication is enough`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.channels, finding);
    const f = el?.fields.get('delivery');
    if (!el || !f || f.range[0] !== finding.range[0] || pairShared(ctx.design, el, 'delivery')) {
      return undefined;
    }
    const edits: TextEdit[] = [ctx.edit.replaceScalar(f, 'at-least-once')];
    // `mechanism` says how exactly-once is achieved: at-least-once has none to state.
    const mechanism = el.fields.has('mechanism') && !pairShared(ctx.design, el, 'mechanism') ? ctx.edit.removeKey(el, 'mechanism') : undefined;
    if (mechanism) {
      edits.push(mechanism);
    }
    for (const c of childElements(el, 'consumers')) {
      if (consumerProtection(ctx.index, c).kind === 'unprotected') {
        edits.push(ctx.edit.insertKeyAfter(c, keysBefore('consumer', 'deduplication'), 'deduplication', { ...DEDUPLICATION }));
      }
    }
    return [
      {
        title: 'Use `at-least-once` delivery with consumer deduplication',
        edits,
        preferred: true,
      },
    ];
  },
});
