import { defineRule } from '../../rule';
import { bool, Item } from '../../model';
import type { Related } from '../../types';
import { callOf, findElement, pickItems, retries, safeIfDeadline, targetLabel } from './policy';

/** The `retry_on` items that answer with a Retry-After header: 429 and 503, or their symbols. */
const RETRY_AFTER: Record<string, string> = {
  '429': 'rate limit exceeded',
  '503': 'temporarily unavailable',
  'rate-limited': '429',
  unavailable: '503',
};

function retryAfterItem(it: Item): string | undefined {
  const v = it.value;
  const key = typeof v === 'number' ? String(v) : typeof v === 'string' && !/^\d+$/.test(v) ? v : undefined;
  return key !== undefined && Object.prototype.hasOwnProperty.call(RETRY_AFTER, key) ? RETRY_AFTER[key] : undefined;
}

export const ignoresRetryAfter = defineRule({
  id: 'RTY009',
  name: 'ignores-retry-after',
  area: 'retries',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Ignoring Retry-After headers', section: 'Retry Behavior › Retry Anti-Patterns' },
  docs: {
    summary: 'A retry policy that retries on 429 or 503 (or `rate-limited`, `unavailable`) while `respect_retry_after` is not `true`.',
    why: 'A 429 or 503 often says how long to wait in its Retry-After header. The knowledge contract names "Ignoring Retry-After headers" an anti-pattern: a client that retries sooner than asked is refused again, spends its attempts, and adds to the load the target is shedding.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [429, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [429, network]\n              respect_retry_after: true\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
    },
    fix: 'Sets `respect_retry_after: true`, replacing `false` or adding the key: safe where the policy has a `deadline` (waiting for the server\'s delay is then bounded), elsewhere a suggestion. It clears the finding on every 429/503 item of the policy. An invalid `respect_retry_after` is DSN003\'s and is not compared; a policy with `max_attempts: 1` retries nothing and is not reported.',
  },
  on: 'retry',
  check(el, ctx) {
    const call = callOf(el);
    const f = el.fields.get('respect_retry_after');
    if (!call || !retries(el) || (f && (!f.valid || bool(el, 'respect_retry_after') === true))) {
      return;
    }
    const related: Related[] | undefined = f ? [{ range: f.range, message: 'Retry-After headers are ignored here' }] : undefined;
    for (const { item } of pickItems(el.fields.get('retry_on'), (it) => retryAfterItem(it) !== undefined)) {
      ctx.report({
        range: item.range,
        message:
          `the call to ${targetLabel(call)} retries on \`${String(item.value)}\` (${retryAfterItem(item)}) ` +
          (f ? 'with `respect_retry_after: false`' : 'without `respect_retry_after: true`') +
          ': it may retry sooner than the Retry-After header asks',
        related,
      });
    }
  },
  fixApplicability: safeIfDeadline,
  fix(ctx, finding) {
    const el = findElement(ctx, finding, 'retry');
    if (!el) {
      return undefined;
    }
    return [{ title: 'Set `respect_retry_after: true`', edits: [ctx.edit.setKey(el, 'respect_retry_after', true)], preferred: true }];
  },
});
