import { defineRule } from '../../rule';
import { callTarget, targetIdempotent } from '../../designIndex';
import type { Related } from '../../types';
import { attemptsPhrase, findElement, retries } from './policy';

export const IDEMPOTENCY_KEY = { key: 'header:Idempotency-Key', retention: '24h' };

export const retryNonIdempotent = defineRule({
  id: 'RTY003',
  name: 'retry-non-idempotent',
  area: 'retries',
  severity: 'error',
  waivable: true,
  contract: { quote: 'Retrying non-idempotent operations without deduplication', section: 'Retry Behavior › Retry Anti-Patterns' },
  docs: {
    summary: 'A call with a `retry` policy toward a target that is not idempotent: a `command` without `idempotency`, or an external target without `idempotent: true`.',
    why: 'A timed-out attempt "may have succeeded; you just do not know", so a retry can run the operation a second time: two charges, two shipments. The knowledge contract names "Retrying non-idempotent operations without deduplication" an anti-pattern; retry only toward a target that makes duplicates harmless ("Idempotency keys (preferred for API operations)", or natural idempotency).',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place-order\n        type: command\n        timeout: 5s\n        idempotency: {key: header:Idempotency-Key, retention: 24h}\n        calls:\n          - to: payments.charge\n            timeout: 2s\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, timeout]\n              budget: 10%\n              deadline: 4s\n  - name: payments\n    operations:\n      - name: charge\n        type: command\n        timeout: 2s\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place-order\n        type: command\n        timeout: 5s\n        idempotency: {key: header:Idempotency-Key, retention: 24h}\n        calls:\n          - to: payments.charge\n            timeout: 2s\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, timeout]\n              budget: 10%\n              deadline: 4s\n  - name: payments\n    operations:\n      - name: charge\n        type: command\n        timeout: 2s\n        idempotency: {key: header:Idempotency-Key, retention: 24h}\n',
    },
    fix: 'Adds `idempotency: {key: header:Idempotency-Key, retention: 24h}` to the target operation. Unsafe: it changes the target\'s API contract, which its implementation must then honour, so `--fix` leaves it to the author. For an external target there is no fix: only its owners can say whether it is safe to repeat (`idempotent: true`). Unresolved targets and targets of unknown type are not checked; a policy with `max_attempts: 1` retries nothing.',
  },
  on: 'call',
  check(call, ctx) {
    const f = call.fields.get('retry');
    if (!f) {
      return;
    }
    const policy = f.valid ? f.element : undefined;
    if (policy && !retries(policy)) {
      return;
    }
    const t = callTarget(ctx.index, call);
    if (!t || t.kind === 'unresolved' || targetIdempotent(ctx.index, call) !== false) {
      return;
    }
    const phrase = attemptsPhrase(policy);
    const related: Related[] = [];
    let what: string;
    if (t.kind === 'operation') {
      what = 'a command without idempotency';
      related.push({ range: t.op.anchor, message: `\`${t.name}\` is a command with no \`idempotency\`` });
    } else {
      const idem = call.fields.get('idempotent');
      what = idem ? 'an external target declared `idempotent: false`' : 'an external target not declared `idempotent: true`';
      if (idem) {
        related.push({ range: idem.range, message: `\`${t.name}\` is declared not idempotent` });
      }
    }
    related.push({ range: f.keyRange, message: `the retry policy that repeats the call${phrase ? ',' + phrase : ''}` });
    ctx.report({
      range: call.anchor,
      message: `retries \`${t.name}\`, ${what}${phrase ? ',' + phrase : ''}: an attempt that timed out may have taken effect, and the retry applies it again`,
      related,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const call = findElement(ctx, finding, 'call');
    const t = call ? callTarget(ctx.index, call) : undefined;
    if (t?.kind !== 'operation') {
      return undefined;
    }
    return [
      {
        title: `Make \`${t.name}\` idempotent with an idempotency key (\`idempotency: {key: header:Idempotency-Key, retention: 24h}\`)`,
        edits: [ctx.edit.setKey(t.op, 'idempotency', IDEMPOTENCY_KEY)],
        preferred: true,
      },
    ];
  },
});
