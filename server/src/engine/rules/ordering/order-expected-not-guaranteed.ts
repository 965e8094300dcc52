import { defineRule } from '../../rule';
import { named } from '../../text';
import { channelOf, elementOf } from '../../designIndex';
import { bool, str } from '../../model';
import { keysBefore } from '../../schema';
import { consumerSpot } from '../delivery/consumer-not-idempotent';

/** Ways of handling out-of-order delivery a fix offers (the author rewords them at will). */
export const OUT_OF_ORDER_CHOICES = ['reorder-by-sequence', 'ignore-stale-by-version'];

export const orderExpectedNotGuaranteed = defineRule({
  id: 'ORD004',
  name: 'order-expected-not-guaranteed',
  area: 'ordering',
  severity: 'error',
  waivable: true,
  contract: {
    quote: 'Define how out-of-order delivery is handled when ordering is expected but not guaranteed',
    section: 'Ordering Guarantees › Define ordering guarantees per queue/topic',
  },
  docs: {
    summary: 'A consumer with `expects_order: true` on a channel with `ordering: none` that does not say how out-of-order delivery is handled (`out_of_order`).',
    why: 'With no ordering guarantee, "Messages may arrive in any order". A handler that relies on order will apply an older message over a newer one unless the design states how "out-of-order delivery is handled when ordering is expected but not guaranteed".',
    example: {
      bad: 'design: shop\ndsl: 1\nchannels:\n  - name: order-events\n    delivery: at-most-once\n    ordering: none\n    consumers:\n      - service: billing\n        expects_order: true\n',
      good: 'design: shop\ndsl: 1\nchannels:\n  - name: order-events\n    delivery: at-most-once\n    ordering: none\n    out_of_order: reorder-by-sequence\n    consumers:\n      - service: billing\n        expects_order: true\n',
    },
    fix: 'Adds `out_of_order:` to the channel, after `ordering`: `reorder-by-sequence` or `ignore-stale-by-version`, one fix per choice, none preferred or safe: how consumers cope is the author\'s design. Another cure, an ordered channel, is ORD001\'s and ORD002\'s ground.',
  },
  on: 'consumer',
  check(el, ctx) {
    const channel = channelOf(el);
    const f = el.fields.get('expects_order');
    if (!channel || !f || bool(el, 'expects_order') !== true) {
      return;
    }
    if (str(channel, 'ordering') !== 'none' || channel.fields.has('out_of_order')) {
      return;
    }
    const who = named('consumer', el.name);
    ctx.report({
      range: consumerSpot(el, f.range),
      message: `${who} expects ordered delivery, but ${named('channel', channel.name)} gives no ordering guarantee and does not say how out-of-order delivery is handled (\`out_of_order\`)`,
      related: [{ range: channel.fields.get('ordering')!.range, message: `${named('channel', channel.name)} has no ordering guarantee: messages may arrive in any order` }],
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const consumer = elementOf(ctx.design.consumers, finding);
    const channel = consumer && channelOf(consumer);
    if (!channel) {
      return undefined;
    }
    return OUT_OF_ORDER_CHOICES.map((v) => ({
      title: `Declare \`out_of_order: ${v}\` on ${named('channel', channel.name)}`,
      edits: [ctx.edit.insertKeyAfter(channel, keysBefore('channel', 'out_of_order'), 'out_of_order', v)],
    }));
  },
});
