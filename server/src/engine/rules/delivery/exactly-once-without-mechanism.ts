import { defineRule } from '../../rule';
import { named } from '../../text';
import { elementOf } from '../../designIndex';
import { str } from '../../model';
import { keysBefore } from '../../schema';

export const exactlyOnceWithoutMechanism = defineRule({
  id: 'DLV005',
  name: 'exactly-once-without-mechanism',
  area: 'delivery',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Often achieved via idempotency + at-least-once rather than true exactly-once protocol', section: 'Delivery Guarantees › Exactly-Once' },
  docs: {
    summary: '`delivery: exactly-once` on a channel that does not say how it is achieved (`mechanism`).',
    why: 'Exactly-once is "Often achieved via idempotency + at-least-once rather than true exactly-once protocol", and a true protocol costs "significant complexity, performance overhead, and coordination cost". Which of the two the channel relies on decides what its producers and consumers must do; unstated, neither is checked.',
    example: {
      bad: 'design: bank\ndsl: 1\nrequirements:\n  - id: R1\n    text: A transfer is applied once\n    duplicates: harmful\nchannels:\n  - name: transfers\n    delivery: exactly-once\n    ordering: none\n    out_of_order: transfers are independent\n    requirements: [R1]\n',
      good: 'design: bank\ndsl: 1\nrequirements:\n  - id: R1\n    text: A transfer is applied once\n    duplicates: harmful\nchannels:\n  - name: transfers\n    delivery: exactly-once\n    mechanism: idempotent-consumer\n    ordering: none\n    out_of_order: transfers are independent\n    requirements: [R1]\n',
    },
    fix: 'Adds `mechanism:` after `delivery`: `idempotent-consumer` (preferred, the knowledge contract\'s usual way) or `transactional`. The mechanism is a fact of the design only the author knows, so neither fix is safe: `--fix` leaves it to the author.',
  },
  on: 'channel',
  check(el, ctx) {
    const f = el.fields.get('delivery');
    if (!f || str(el, 'delivery') !== 'exactly-once' || el.fields.has('mechanism')) {
      return;
    }
    const who = named('channel', el.name);
    ctx.report({
      range: f.range,
      message: `${who} is exactly-once but does not say how (\`mechanism\`: idempotent-consumer, i.e. idempotency + at-least-once, or transactional)`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.channels, finding);
    if (!el) {
      return undefined;
    }
    return ['idempotent-consumer', 'transactional'].map((v, i) => ({
      title: `Declare \`mechanism: ${v}\``,
      edits: [ctx.edit.insertKeyAfter(el, keysBefore('channel', 'mechanism'), 'mechanism', v)],
      preferred: i === 0,
    }));
  },
});
