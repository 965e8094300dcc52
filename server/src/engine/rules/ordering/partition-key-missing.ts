import { defineRule } from '../../rule';
import { named } from '../../text';
import { citedRequirements, elementOf, Index } from '../../designIndex';
import { Element, str } from '../../model';
import { keysBefore } from '../../schema';

/** The distinct `ordering_key`s of the requirements an element cites, with their requirements. */
export function requirementKeys(ix: Index, el: Element): Map<string, Element[]> {
  const keys = new Map<string, Element[]>();
  for (const r of citedRequirements(ix, el)) {
    const k = str(r, 'ordering_key');
    if (k !== undefined) {
      keys.set(k, [...(keys.get(k) ?? []), r]);
    }
  }
  return keys;
}

export const partitionKeyMissing = defineRule({
  id: 'ORD002',
  name: 'partition-key-missing',
  area: 'ordering',
  severity: 'error',
  waivable: true,
  contract: { quote: 'Define the partition key if per-partition ordering is used', section: 'Ordering Guarantees › Define ordering guarantees per queue/topic' },
  docs: {
    summary: '`ordering: per-partition` on a channel without `partition_key`.',
    why: 'Per-partition ordering keeps order only among messages of one partition: "Ensure: partition key is set to the context identifier". Without a stated key, messages of one order (or user) may land on different partitions and arrive out of order, while the channel claims to keep it.',
    example: {
      bad: 'design: shop\ndsl: 1\nrequirements:\n  - id: R1\n    text: Events of one order are applied in order\n    ordering: per-key\n    ordering_key: order_id\nchannels:\n  - name: order-events\n    delivery: at-most-once\n    ordering: per-partition\n    requirements: [R1]\n',
      good: 'design: shop\ndsl: 1\nrequirements:\n  - id: R1\n    text: Events of one order are applied in order\n    ordering: per-key\n    ordering_key: order_id\nchannels:\n  - name: order-events\n    delivery: at-most-once\n    ordering: per-partition\n    partition_key: order_id\n    requirements: [R1]\n',
    },
    fix: 'Adds `partition_key:` after `ordering`, set to the `ordering_key` of the requirements the channel cites: one choice per key when they name several; a suggestion either way. Declines when no cited requirement names an `ordering_key`: the context identifier is the author\'s to state.',
  },
  on: 'channel',
  check(el, ctx) {
    const f = el.fields.get('ordering');
    if (!f || str(el, 'ordering') !== 'per-partition' || el.fields.has('partition_key')) {
      return;
    }
    const keys = [...requirementKeys(ctx.index, el)];
    const hint = keys.length ? ` (${keys.map(([k, rs]) => `${rs.map((r) => r.name ?? '?').join(' and ')} ${rs.length === 1 ? 'orders' : 'order'} by \`${k}\``).join('; ')})` : '';
    ctx.report({
      range: f.range,
      message: `${named('channel', el.name)} is ordered per partition but names no \`partition_key\`${hint}`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.channels, finding);
    if (!el) {
      return undefined;
    }
    const keys = [...requirementKeys(ctx.index, el).keys()];
    return keys.map((k) => ({
      title: `Add \`partition_key: ${k}\``,
      edits: [ctx.edit.insertKeyAfter(el, keysBefore('channel', 'partition_key'), 'partition_key', k)],
      preferred: keys.length === 1,
    }));
  },
});
