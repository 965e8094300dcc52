import { defineRule } from '../../rule';
import { callTarget } from '../../designIndex';
import { child, Item } from '../../model';
import { callOf, pickItems, retries, removeFromRetryOn } from './policy';
import { clientError } from './retry-on-client-error';

export const retryOnNonRetryable = defineRule({
  id: 'RTY002',
  name: 'retry-on-non-retryable',
  area: 'retries',
  severity: 'error',
  waivable: true,
  contract: { quote: 'Non-retryable error codes explicitly defined in the API contract', section: 'Retry Behavior › When NOT to Retry' },
  docs: {
    summary: "A retry policy whose `retry_on` lists a code that the target operation's `errors.non_retryable` declares non-retryable.",
    why: 'The knowledge contract says not to retry "Non-retryable error codes explicitly defined in the API contract". The target\'s owners wrote down that repeating the request after that error cannot succeed (or does harm, such as charging a declined card again). A code that is also a client error is left to RTY001.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place-order\n        type: command\n        timeout: 5s\n        idempotency: {key: header:Idempotency-Key, retention: 24h}\n        calls:\n          - to: payments.charge\n            timeout: 2s\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, card-declined]\n              budget: 10%\n              deadline: 4s\n  - name: payments\n    operations:\n      - name: charge\n        type: command\n        timeout: 2s\n        idempotency: {key: header:Idempotency-Key, retention: 24h}\n        errors:\n          non_retryable: [card-declined]\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place-order\n        type: command\n        timeout: 5s\n        idempotency: {key: header:Idempotency-Key, retention: 24h}\n        calls:\n          - to: payments.charge\n            timeout: 2s\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 4s\n  - name: payments\n    operations:\n      - name: charge\n        type: command\n        timeout: 2s\n        idempotency: {key: header:Idempotency-Key, retention: 24h}\n        errors:\n          non_retryable: [card-declined]\n',
    },
    fix: 'Removes the code from `retry_on` (every item of that value), keeping the comments around it: a safe fix. Calls to external targets, whose contracts the design does not hold, and unresolved targets are not checked.',
  },
  on: 'retry',
  check(el, ctx) {
    const call = callOf(el);
    if (!call || !retries(el)) {
      return;
    }
    const t = callTarget(ctx.index, call);
    if (t?.kind !== 'operation') {
      return;
    }
    const listed = new Map<string, Item>();
    for (const it of pickItems(child(t.op, 'errors')?.fields.get('non_retryable'), () => true)) {
      const code = String(it.item.value);
      if (!listed.has(code)) {
        listed.set(code, it.item);
      }
    }
    for (const { item } of pickItems(el.fields.get('retry_on'), (it) => listed.has(String(it.value)) && clientError(it) === undefined)) {
      const code = String(item.value);
      ctx.report({
        range: item.range,
        message: `the call to \`${t.name}\` retries on \`${code}\`, which \`${t.name}\` declares non-retryable in \`errors.non_retryable\``,
        related: [{ range: listed.get(code)!.range, message: `\`${t.name}\`'s API contract: \`${code}\` is not to be retried` }],
        data: { value: item.value },
      });
    }
  },
  fixApplicability: 'safe',
  fix: removeFromRetryOn,
});
