import { defineRule } from '../../rule';
import { named } from '../../text';
import { channelOf, elementOf, Index, operationIdempotency } from '../../designIndex';
import { bool, Element, Operation, str } from '../../model';
import type { Range, Related } from '../../types';
import { keysBefore } from '../../schema';

/** What a consumer does about a message delivered twice. */
export type ConsumerProtection =
  | { kind: 'protected' }
  /** The design does not say enough to tell (an invalid value, a handler that names nothing): silent. */
  | { kind: 'unknown' }
  | { kind: 'unprotected'; handler?: Operation };

/**
 * A consumer is protected by its own `deduplication` (present, even if DSN003 reports its
 * value), by `idempotent: true`, or by its handler's idempotency (a key, `natural: true`,
 * or a query, which changes nothing).
 */
export function consumerProtection(ix: Index, consumer: Element): ConsumerProtection {
  if (consumer.fields.has('deduplication') || bool(consumer, 'idempotent') === true) {
    return { kind: 'protected' };
  }
  const idem = consumer.fields.get('idempotent');
  if (idem && !idem.valid) {
    return { kind: 'unknown' };
  }
  const hf = consumer.fields.get('handler');
  if (!hf) {
    return { kind: 'unprotected' };
  }
  const name = str(consumer, 'handler');
  const op = name === undefined ? undefined : ix.operations.get(name);
  if (!op) {
    return { kind: 'unknown' };
  }
  const i = operationIdempotency(op);
  if (i === 'key' || i === 'natural' || i === 'query') {
    return { kind: 'protected' };
  }
  // `unknown` with no `idempotency` at all is an operation of unstated type: it has none.
  if (i === 'none' || (i === 'unknown' && !op.fields.has('idempotency'))) {
    return { kind: 'unprotected', handler: op };
  }
  return { kind: 'unknown' };
}

/**
 * Where a finding about a consumer lands: `range`, or, for a consumer that an alias
 * (`- *billing`) brings into this channel, that alias item, since the anchored text
 * stands in another channel that may deliver differently.
 */
export function consumerSpot(consumer: Element, range: Range): Range {
  const channel = channelOf(consumer);
  if (!channel || (channel.range[0] <= range[0] && range[1] <= channel.range[1])) {
    return range;
  }
  const item = channel.fields.get('consumers')?.items?.find((i) => i.element === consumer);
  return item ? item.range : range;
}

/** The deduplication a fix adds: the message's id, remembered longer than redelivery takes. */
export const DEDUPLICATION = { key: 'event_id', window: '7d' };

export const consumerNotIdempotent = defineRule({
  id: 'DLV004',
  name: 'consumer-not-idempotent',
  area: 'delivery',
  severity: 'error',
  waivable: true,
  contract: { quote: 'Use when: loss is unacceptable, consumers are idempotent or can deduplicate', section: 'Delivery Guarantees › At-Least-Once' },
  docs: {
    summary:
      'A consumer of an at-least-once channel that neither deduplicates (`deduplication`) nor is idempotent (`idempotent: true`), and whose handler, if it names one, has no `idempotency` either.',
    why: 'At-least-once: "Message is never lost but may be delivered more than once", at "the cost of requiring idempotency handling". Duplicates arise from "Message queue redelivery"; the knowledge contract\'s answer for event processing is "Deduplication at consumer level". A consumer that does neither processes a redelivered message twice. A handler that is a query changes nothing, and counts as idempotent.',
    example: {
      bad: 'design: shop\ndsl: 1\nchannels:\n  - name: order-events\n    delivery: at-least-once\n    ordering: none\n    out_of_order: handlers compare the order version\n    consumers:\n      - service: billing\n',
      good: 'design: shop\ndsl: 1\nchannels:\n  - name: order-events\n    delivery: at-least-once\n    ordering: none\n    out_of_order: handlers compare the order version\n    consumers:\n      - service: billing\n        deduplication: {key: event_id, window: 7d}\n',
    },
    fix: 'Adds `deduplication: {key: event_id, window: 7d}` to the consumer, after its `service` and `handler` (a block mapping in a block consumer, a flow mapping in a flow one). The key names the message field that identifies a duplicate, which only the author knows: the fix is preferred but not safe, so `--fix` leaves it to the author. Silent (and no fix) when the handler names nothing, or when `idempotent` or the handler\'s `idempotency` has an invalid value.',
  },
  on: 'consumer',
  check(el, ctx) {
    const channel = channelOf(el);
    if (!channel || str(channel, 'delivery') !== 'at-least-once') {
      return;
    }
    const p = consumerProtection(ctx.index, el);
    if (p.kind !== 'unprotected') {
      return;
    }
    const who = named('consumer', el.name);
    const chan = `at-least-once ${named('channel', channel.name)}`;
    const handler = p.handler ? `, and its handler \`${p.handler.qualifiedName ?? '?'}\` has no \`idempotency\`` : '';
    const related: Related[] = [
      { range: channel.fields.get('delivery')!.range, message: `${named('channel', channel.name)} delivers at least once: a message may arrive more than once` },
    ];
    if (p.handler) {
      related.push({ range: p.handler.anchor, message: `${p.handler.qualifiedName ?? 'the handler'} declares no \`idempotency\`` });
    }
    ctx.report({
      range: consumerSpot(el, el.anchor),
      message: `${who} of ${chan} neither deduplicates nor is idempotent${handler}: a redelivered message is processed twice`,
      related,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.consumers, finding);
    if (!el) {
      return undefined;
    }
    return [
      {
        title: `Add \`deduplication: {key: ${DEDUPLICATION.key}, window: ${DEDUPLICATION.window}}\``,
        edits: [ctx.edit.insertKeyAfter(el, keysBefore('consumer', 'deduplication'), 'deduplication', { ...DEDUPLICATION })],
        preferred: true,
      },
    ];
  },
});
