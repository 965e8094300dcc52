import { defineRule } from '../../rule';
import { named } from '../../text';
import { allCitedRequirements, elementOf, pairShared } from '../../designIndex';
import { str } from '../../model';

export const strongerThanRequired = defineRule({
  id: 'DLV006',
  name: 'stronger-than-required',
  area: 'delivery',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Choose the weakest guarantee that meets PRD requirements', section: 'Delivery Guarantees' },
  docs: {
    summary: '`delivery: at-least-once` on a channel that cites requirements, all of which say `loss: acceptable` (exactly-once is DLV002\'s).',
    why: '"Choose the weakest guarantee that meets PRD requirements." When every requirement the channel serves accepts loss, at-most-once meets them: "simplicity and speed", no redelivery, and no consumer that must be idempotent, where at-least-once brings "the cost of requiring idempotency handling".',
    example: {
      bad: 'design: shop\ndsl: 1\nrequirements:\n  - id: R1\n    text: Click-stream analytics may drop events under load\n    loss: acceptable\nchannels:\n  - name: click-stream\n    delivery: at-least-once\n    ordering: none\n    out_of_order: events carry a client timestamp\n    requirements: [R1]\n',
      good: 'design: shop\ndsl: 1\nrequirements:\n  - id: R1\n    text: Click-stream analytics may drop events under load\n    loss: acceptable\nchannels:\n  - name: click-stream\n    delivery: at-most-once\n    ordering: none\n    out_of_order: events carry a client timestamp\n    requirements: [R1]\n',
    },
    fix: 'Replaces `at-least-once` with `at-most-once`, keeping the value\'s quotes. Weakening a guarantee is the author\'s call, and keeping the stronger one is not wrong: preferred, but not safe, so `--fix` leaves it. Silent (and no fix) when a cited requirement names nothing or its `loss` is missing or invalid. Declines when another channel shares the value through a `<<` merge: rewriting it would change both.',
  },
  on: 'channel',
  check(el, ctx) {
    const f = el.fields.get('delivery');
    if (!f || str(el, 'delivery') !== 'at-least-once') {
      return;
    }
    const reqs = allCitedRequirements(ctx.index, el);
    if (!reqs?.length || !reqs.every((r) => str(r, 'loss') === 'acceptable')) {
      return;
    }
    const who = named('channel', el.name);
    const names = reqs.map((r) => r.name ?? '?');
    const which = names.length === 1 ? `its requirement ${names[0]} accepts` : `all its requirements (${names.join(', ')}) accept`;
    ctx.report({
      range: f.range,
      message: `${who} delivers at least once, but ${which} loss: at-most-once is the weakest guarantee that meets ${names.length === 1 ? 'it' : 'them'}`,
      related: reqs.map((r) => ({ range: r.fields.get('loss')!.range, message: `${r.name ?? 'this requirement'}: loss is acceptable` })),
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.channels, finding);
    const f = el?.fields.get('delivery');
    if (!el || !f || f.range[0] !== finding.range[0] || pairShared(ctx.design, el, 'delivery')) {
      return undefined;
    }
    return [{ title: 'Use `at-most-once` delivery', edits: [ctx.edit.replaceScalar(f, 'at-most-once')], preferred: true }];
  },
});
