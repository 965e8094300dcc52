import { defineRule } from '../../rule';
import { named } from '../../text';
import { elementOf, pairShared } from '../../designIndex';
import { str } from '../../model';
import { requirementKeys } from './partition-key-missing';

export const partitionKeyMismatch = defineRule({
  id: 'ORD005',
  name: 'partition-key-mismatch',
  area: 'ordering',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Ensure: partition key is set to the context identifier', section: 'Ordering Guarantees › Per-Partition Ordering' },
  docs: {
    summary: "A channel's `partition_key` that differs from the `ordering_key` of a requirement it cites.",
    why: 'Per-partition ordering keeps the order of messages that share a partition: "Ensure: partition key is set to the context identifier". Partitioned by another key, the messages of one context (the requirement\'s `ordering_key`) spread over partitions and lose the order the PRD asks for.',
    example: {
      bad: 'design: shop\ndsl: 1\nrequirements:\n  - id: R1\n    text: Events of one order are applied in order\n    ordering: per-key\n    ordering_key: order_id\nchannels:\n  - name: order-events\n    delivery: at-most-once\n    ordering: per-partition\n    partition_key: customer_id\n    requirements: [R1]\n',
      good: 'design: shop\ndsl: 1\nrequirements:\n  - id: R1\n    text: Events of one order are applied in order\n    ordering: per-key\n    ordering_key: order_id\nchannels:\n  - name: order-events\n    delivery: at-most-once\n    ordering: per-partition\n    partition_key: order_id\n    requirements: [R1]\n',
    },
    fix: "Replaces the `partition_key` with the requirement's `ordering_key`, keeping the value's quotes: the one right answer when the cited requirements name one key, yet a suggestion: it changes how the channel is partitioned. Declines when they name several: no single partition key meets them all, and which requirement gives way is the author's call. Declines when another channel shares the value through a `<<` merge: rewriting it would change both.",
  },
  on: 'channel',
  check(el, ctx) {
    const f = el.fields.get('partition_key');
    const pk = str(el, 'partition_key');
    if (!f || pk === undefined) {
      return;
    }
    const keys = requirementKeys(ctx.index, el);
    const differing = [...keys].filter(([k]) => k !== pk);
    if (!differing.length) {
      return;
    }
    const wants = differing
      .map(([k, rs]) => `${rs.map((r) => r.name ?? '?').join(' and ')} ${rs.length === 1 ? 'orders' : 'order'} by \`${k}\``)
      .join('; ');
    ctx.report({
      range: f.range,
      message: `${named('channel', el.name)} is partitioned by \`${pk}\`, but ${wants}`,
      related: differing.flatMap(([k, rs]) =>
        rs.map((r) => ({ range: r.fields.get('ordering_key')!.range, message: `${r.name ?? 'this requirement'} keeps order per \`${k}\`` })),
      ),
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.channels, finding);
    const f = el?.fields.get('partition_key');
    if (!el || !f || f.range[0] !== finding.range[0] || pairShared(ctx.design, el, 'partition_key')) {
      return undefined;
    }
    const keys = [...requirementKeys(ctx.index, el).keys()];
    // Several keys: whichever one the fix picked, another requirement would still differ.
    if (keys.length !== 1) {
      return undefined;
    }
    return [{ title: `Partition by \`${keys[0]}\``, edits: [ctx.edit.replaceScalar(f, keys[0])], preferred: true }];
  },
});
