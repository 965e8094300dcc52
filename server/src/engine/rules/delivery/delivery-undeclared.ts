import { defineRule } from '../../rule';
import { named } from '../../text';
import { DELIVERY_VALUES } from '../../schema';

export const deliveryUndeclared = defineRule({
  id: 'DLV001',
  name: 'delivery-undeclared',
  area: 'delivery',
  severity: 'error',
  waivable: true,
  contract: { quote: 'State the guarantee clearly', section: 'Ordering Guarantees › Define ordering guarantees per queue/topic' },
  docs: {
    summary: 'A channel that does not declare its delivery guarantee.',
    why: 'Producers and consumers must agree on whether a message can be lost (at-most-once) or delivered twice (at-least-once): the first decides whether a lost message is a bug, the second whether every consumer must be idempotent. Undeclared, each side assumes the guarantee that suits it.',
    example: {
      bad: 'design: shop\ndsl: 1\nchannels:\n  - name: order-events\n    ordering: none\n    out_of_order: ignore-stale-by-version\n',
      good: 'design: shop\ndsl: 1\nchannels:\n  - name: order-events\n    delivery: at-most-once\n    ordering: none\n    out_of_order: ignore-stale-by-version\n',
    },
    fix: 'Adds `delivery:` with one of the three guarantees: one fix per choice, none preferred, so `--fix` leaves the choice to the author.',
  },
  on: 'channel',
  check(el, ctx) {
    if (!el.fields.has('delivery')) {
      ctx.report({
        range: el.anchor,
        message: `${named('channel', el.name)} does not declare its delivery guarantee (at-most-once, at-least-once or exactly-once)`,
      });
    }
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = ctx.design.channels.find((c) => c.path === finding.path);
    if (!el) {
      return undefined;
    }
    return DELIVERY_VALUES.map((v) => ({
      title: `Declare \`delivery: ${v.value}\``,
      edits: [ctx.edit.insertKey(el, 'delivery', v.value)],
    }));
  },
});
