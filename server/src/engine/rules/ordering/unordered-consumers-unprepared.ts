import { defineRule } from '../../rule';
import { named } from '../../text';
import { str } from '../../model';

export const unorderedConsumersUnprepared = defineRule({
  id: 'ORD006',
  name: 'unordered-consumers-unprepared',
  area: 'ordering',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Ensure: consumers can handle out-of-order delivery', section: 'Ordering Guarantees › No Ordering Guarantee' },
  docs: {
    summary: 'A channel with `ordering: none` that does not say how its consumers handle out-of-order delivery (`out_of_order`).',
    why: 'With no ordering guarantee, "Messages may arrive in any order"; the choice fits "when: operations are independent and order does not matter", and it comes with a duty: "Ensure: consumers can handle out-of-order delivery". Stating how (order does not matter, stale versions are ignored, events are re-sorted) lets a reviewer check it.',
    example: {
      bad: 'design: shop\ndsl: 1\nchannels:\n  - name: click-stream\n    delivery: at-most-once\n    ordering: none\n',
      good: 'design: shop\ndsl: 1\nchannels:\n  - name: click-stream\n    delivery: at-most-once\n    ordering: none\n    out_of_order: events carry a client timestamp; analytics sorts by it\n',
    },
    fix: 'None: how consumers cope with out-of-order delivery is the author\'s to write (a consumer that expects order is ORD004\'s, which offers choices).',
  },
  on: 'channel',
  check(el, ctx) {
    const f = el.fields.get('ordering');
    if (!f || str(el, 'ordering') !== 'none' || el.fields.has('out_of_order')) {
      return;
    }
    ctx.report({
      range: f.range,
      message: `${named('channel', el.name)} gives no ordering guarantee and does not say how consumers handle out-of-order delivery (\`out_of_order\`)`,
    });
  },
});
