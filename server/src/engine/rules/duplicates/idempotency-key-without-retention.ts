import { defineRule } from '../../rule';
import { callTarget } from '../../designIndex';
import { child, durationMs, Operation, str } from '../../model';
import { keysBefore } from '../../schema';

const DAY_MS = 86_400_000;

export const idempotencyKeyWithoutRetention = defineRule({
  id: 'DUP002',
  name: 'idempotency-key-without-retention',
  area: 'duplicates',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Idempotency keys (preferred for API operations)', section: 'Duplicate Requests › Handling strategies' },
  docs: {
    summary: 'An `idempotency` mapping with a `key` but no `retention`: how long the keys are remembered is not stated.',
    why: 'Idempotency keys make "Network retries" and "Client timeouts with successful server processing" harmless only while the server still remembers the key: a retry that arrives after the key was dropped is processed a second time. Keys must outlive the retry window of every caller, so the retention belongs in the API contract next to the key.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: payments\n    operations:\n      - name: charge\n        type: command\n        timeout: 2s\n        idempotency:\n          key: header:Idempotency-Key\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: payments\n    operations:\n      - name: charge\n        type: command\n        timeout: 2s\n        idempotency:\n          key: header:Idempotency-Key\n          retention: 24h\n',
    },
    fix: 'Adds `retention: 24h` to the `idempotency` mapping, beside its `key`, in its own style (block or flow): a suggestion, since how long keys are kept is the author\'s to confirm. When a caller of the operation retries for a day or longer (its retry `deadline`), proposes whole days beyond that deadline instead, as the author\'s choice.',
  },
  on: 'idempotency',
  check(el, ctx) {
    // A `key` with an invalid value still counts as present (DSN003 reports the value).
    if (!el.fields.has('key') || el.fields.has('retention')) {
      return;
    }
    const op = el.parent?.kind === 'operation' ? (el.parent as Operation) : undefined;
    const who = op ? ` of \`${op.qualifiedName ?? op.name ?? 'this operation'}\`` : '';
    const key = str(el, 'key');
    ctx.report({
      range: el.anchor,
      message: `the idempotency keys${who}${key !== undefined ? ` (\`${key}\`)` : ''} have no \`retention\`: a retry that arrives after a key is forgotten is processed twice`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const idem = ctx.design.all.find((e) => e.kind === 'idempotency' && e.path === finding.path && e.anchor[0] === finding.range[0]);
    if (!idem) {
      return undefined;
    }
    // Keys must outlive the retry window of every caller that declares one.
    let longestRetryMs = 0;
    for (const call of ctx.design.calls) {
      const t = callTarget(ctx.index, call);
      if (t?.kind === 'operation' && t.op === idem.parent) {
        longestRetryMs = Math.max(longestRetryMs, durationMs(child(call, 'retry'), 'deadline') ?? 0);
      }
    }
    const usual = longestRetryMs < DAY_MS;
    const retention = usual ? '24h' : `${Math.floor(longestRetryMs / DAY_MS) + 1}d`;
    return [
      {
        title: `Add \`retention: ${retention}\``,
        edits: [ctx.edit.insertKeyAfter(idem, keysBefore('idempotency', 'retention'), 'retention', retention)],
        preferred: true,
      },
    ];
  },
});
