import { defineRule } from '../../rule';
import { named } from '../../text';
import { citedRequirements, elementOf } from '../../designIndex';
import { str } from '../../model';
import { keysBefore, ORDERING_CHANNEL_VALUES } from '../../schema';

/** The channel ordering that meets a requirement's `ordering`. */
const FOR_REQUIREMENT: Record<string, string> = { 'per-key': 'per-partition', global: 'global', none: 'none' };

export const orderingUndeclared = defineRule({
  id: 'ORD001',
  name: 'ordering-undeclared',
  area: 'ordering',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'State the guarantee clearly', section: 'Ordering Guarantees › Define ordering guarantees per queue/topic' },
  docs: {
    summary: 'A channel that does not declare its ordering guarantee.',
    why: '"Define ordering guarantees per queue/topic: State the guarantee clearly." Consumers that need order and producers that scatter messages across partitions must agree on what the channel keeps: per partition, globally, or nothing. Undeclared, a consumer assumes the order it needs.',
    example: {
      bad: 'design: shop\ndsl: 1\nchannels:\n  - name: order-events\n    delivery: at-most-once\n',
      good: 'design: shop\ndsl: 1\nchannels:\n  - name: order-events\n    delivery: at-most-once\n    ordering: per-partition\n    partition_key: order_id\n',
    },
    fix: 'Adds `ordering:` after `delivery` with one of the three guarantees: one fix per choice. When the requirements the channel cites agree on one ordering (`per-key` → `per-partition`, `global`, `none`), that choice is preferred; none is safe, so `--fix` leaves the choice to the author. A `per-partition` choice then needs its `partition_key` (ORD002).',
  },
  on: 'channel',
  check(el, ctx) {
    if (el.fields.has('ordering')) {
      return;
    }
    ctx.report({
      range: el.anchor,
      message: `${named('channel', el.name)} does not declare its ordering guarantee (per-partition, global or none)`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.channels, finding);
    if (!el) {
      return undefined;
    }
    const wanted = new Set(
      citedRequirements(ctx.index, el)
        .map((r) => str(r, 'ordering'))
        .filter((o): o is string => o !== undefined)
        .map((o) => FOR_REQUIREMENT[o]),
    );
    const preferred = wanted.size === 1 ? [...wanted][0] : undefined;
    return ORDERING_CHANNEL_VALUES.map((v) => ({
      title: `Declare \`ordering: ${v.value}\``,
      edits: [ctx.edit.insertKeyAfter(el, keysBefore('channel', 'ordering'), 'ordering', v.value)],
      preferred: v.value === preferred,
    }));
  },
});
