import { elementOf } from '../../designIndex';
import { defineRule } from '../../rule';
import { keysBefore } from '../../schema';
import { field, items, Operation } from '../../model';
import { named, quoteList } from '../../text';

export const dualWriteWithoutOutbox = defineRule({
  id: 'PAR004',
  name: 'dual-write-without-outbox',
  area: 'partial-failure',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Outbox pattern for ensuring eventual consistency', section: 'Partial Failure › Handling strategies' },
  docs: {
    summary: 'An operation that both `writes` data and `publishes` to a channel, without `outbox: true`.',
    why: 'Writing a row and publishing its event are two steps against two systems: a crash or a timeout between them leaves one without the other, the partial failure the knowledge contract describes as "An upstream dependency fails mid-transaction". Its handling strategy is the "Outbox pattern for ensuring eventual consistency": the event is written in the same transaction as the data and published from there, so both happen or neither.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place-order\n        writes: [orders-db]\n        publishes: [order-events]\nchannels:\n  - name: order-events\ndata:\n  - name: orders-db\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place-order\n        writes: [orders-db]\n        publishes: [order-events]\n        outbox: true\nchannels:\n  - name: order-events\ndata:\n  - name: orders-db\n',
    },
    fix: 'Sets `outbox: true`, inserting it or replacing `false` (the remedy the knowledge contract names; a suggestion, since it changes how the operation publishes). Declines nothing else.',
  },
  on: 'operation',
  check(op, ctx) {
    const outbox = field(op, 'outbox');
    // `outbox: true` cures it; a value DSN003 reports is not compared.
    if (outbox && (!outbox.valid || outbox.value === true)) {
      return;
    }
    const written = items(op, 'writes').filter((i) => ctx.index.data.has(String(i.value)));
    const published = items(op, 'publishes').filter((i) => ctx.index.channels.has(String(i.value)));
    if (!written.length || !published.length) {
      return;
    }
    const publishes = field(op, 'publishes')!;
    const writes = field(op, 'writes')!;
    ctx.report({
      range: publishes.keyRange,
      message:
        `${named('operation', (op as Operation).qualifiedName ?? op.name)} writes ${quoteList(written.map((i) => i.value))} and publishes to ` +
        `${quoteList(published.map((i) => i.value))} without an outbox: a crash between the two leaves one without the other`,
      related: [
        { range: writes.keyRange, message: `writes ${quoteList(written.map((i) => i.value))} in the same operation` },
        ...(outbox ? [{ range: outbox.range, message: '`outbox: false`: the write and the publish are not atomic' }] : []),
      ],
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const op = elementOf(ctx.design.operations, finding);
    if (!op) {
      return undefined;
    }
    return [{ title: 'Set `outbox: true`', edits: [op.fields.has('outbox') ? ctx.edit.setKey(op, 'outbox', true) : ctx.edit.insertKeyAfter(op, keysBefore('operation', 'outbox'), 'outbox', true)], preferred: true }];
  },
});
