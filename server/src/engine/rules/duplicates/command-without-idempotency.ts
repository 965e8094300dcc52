import { defineRule } from '../../rule';
import { bool, child, Element, Operation, str } from '../../model';
import { elementOf } from '../../designIndex';
import { keysBefore } from '../../schema';
import { isMap } from '../../yaml/parse';
import type { TextEdit } from '../../types';

const KEY = 'header:Idempotency-Key';
const RETENTION = '24h';

/**
 * Whether an operation's `idempotency` leaves duplicates harmful: `absent` (no key at all),
 * `empty` (a mapping with neither a valid `key` nor `natural: true`), or undefined when it
 * makes them harmless or when DSN003 reports one of the values that would decide it.
 */
function missingIdempotency(op: Element): 'absent' | 'empty' | undefined {
  const f = op.fields.get('idempotency');
  if (!f) {
    return 'absent';
  }
  const idem = child(op, 'idempotency');
  if (!idem) {
    return undefined;
  }
  const key = idem.fields.get('key');
  const natural = idem.fields.get('natural');
  if ((key && !key.valid) || (natural && !natural.valid)) {
    return undefined;
  }
  if (str(idem, 'key') !== undefined || bool(idem, 'natural') === true) {
    return undefined;
  }
  return 'empty';
}

function label(op: Operation): string {
  return op.qualifiedName ?? op.name ?? 'this operation';
}

export const commandWithoutIdempotency = defineRule({
  id: 'DUP001',
  name: 'command-without-idempotency',
  area: 'duplicates',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Idempotency keys (preferred for API operations)', section: 'Duplicate Requests › Handling strategies' },
  docs: {
    summary: 'A `command` operation that declares no `idempotency`: neither an idempotency key nor `natural: true`.',
    why: 'A command changes state, and duplicates of it arise from "Network retries", "Client timeouts with successful server processing", "Message queue redelivery" and "User double-submit". Without idempotency each duplicate repeats the change (a second charge, a second shipment). The knowledge contract\'s handling strategies are "Idempotency keys (preferred for API operations)" or "Natural idempotency (read operations, certain write patterns)".',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: payments\n    operations:\n      - name: charge\n        type: command\n        timeout: 2s\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: payments\n    operations:\n      - name: charge\n        type: command\n        timeout: 2s\n        idempotency:\n          key: header:Idempotency-Key\n          retention: 24h\n',
    },
    fix: 'Adds `idempotency: {key: header:Idempotency-Key, retention: 24h}` in the operation\'s own style (block or flow); where an `idempotency` mapping is already there without a key, adds the missing `key` (and `retention`) to it. Not applied by `--fix`: whether the key travels in a header or the body, or whether the operation is naturally idempotent instead, is the author\'s choice.',
  },
  on: 'operation',
  check(el, ctx) {
    if (str(el, 'type') !== 'command') {
      return;
    }
    const missing = missingIdempotency(el);
    if (!missing) {
      return;
    }
    const op = el as Operation;
    const effects = 'a network retry, a client timeout after successful processing or a user double-submit repeats its effect';
    if (missing === 'absent') {
      ctx.report({ range: el.anchor, message: `\`${label(op)}\` is a command with no \`idempotency\`: ${effects}` });
    } else {
      const idem = child(el, 'idempotency')!;
      ctx.report({
        range: idem.anchor,
        message: `the \`idempotency\` of command \`${label(op)}\` has neither a \`key\` nor \`natural: true\`: ${effects}`,
      });
    }
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const op = elementOf(ctx.design.operations, finding);
    if (!op) {
      return undefined;
    }
    const title = `Add \`idempotency: {key: ${KEY}, retention: ${RETENTION}}\``;
    const f = op.fields.get('idempotency');
    if (!f) {
      return [{ title, edits: [ctx.edit.insertKeyAfter(op, keysBefore('operation', 'idempotency'), 'idempotency', { key: KEY, retention: RETENTION })], preferred: true }];
    }
    const idem = child(op, 'idempotency');
    if (!idem) {
      return undefined;
    }
    const add: Array<[string, string]> = [['key', KEY]];
    if (!idem.fields.has('retention')) {
      add.push(['retention', RETENTION]);
    }
    let edit: TextEdit;
    if (isMap(idem.node) && (idem.node as { items: unknown[] }).items.length === 0) {
      // `idempotency: {}`: fill the braces.
      edit = { range: idem.range, newText: '{' + add.map(([k, v]) => `${k}: ${v}`).join(', ') + '}' };
    } else {
      // Every insertion lands at the same place (after the last key, or under an empty
      // `idempotency:`), so they join into one edit, in order.
      const edits = add.map(([k, v]) => ctx.edit.insertKey(idem, k, v));
      edit = { range: edits[0].range, newText: edits.map((e) => e.newText).join('') };
    }
    return [
      {
        title: `Add ${add.map(([k, v]) => `\`${k}: ${v}\``).join(' and ')} to \`idempotency\``,
        edits: [edit],
        preferred: true,
      },
    ];
  },
});
