import { defineRule } from '../../rule';
import { callOf, findElement, retries, safeIfBoundedBackoff, targetLabel } from './policy';

export const retryWithoutBackoff = defineRule({
  id: 'RTY008',
  name: 'retry-without-backoff',
  area: 'retries',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Rate limit exceeded (429, with backoff)', section: 'Retry Behavior › When to Retry' },
  docs: {
    summary: 'A retry policy with no `backoff`.',
    why: 'The knowledge contract retries transient failures "with backoff" and calls exponential backoff the "recommended default". A policy that does not say how long to wait between attempts leaves each client to retry at once, which turns a brief overload of the target into a sustained one.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
    },
    fix: 'Adds `backoff: exponential-jitter` to the policy, in its own block or flow style: safe where the policy has a `deadline`, or where its worst-case duration with the new backoff stays below the caller\'s `timeout`; elsewhere a suggestion. A `backoff` with an invalid value counts as present (DSN003 reports it); a policy with `max_attempts: 1` retries nothing and is not reported.',
  },
  on: 'retry',
  check(el, ctx) {
    const call = callOf(el);
    if (!call || !retries(el) || el.fields.has('backoff')) {
      return;
    }
    ctx.report({
      range: el.anchor,
      message: `the retry policy of the call to ${targetLabel(call)} has no \`backoff\`: nothing says how long to wait between attempts`,
    });
  },
  fixApplicability: safeIfBoundedBackoff,
  fix(ctx, finding) {
    const el = findElement(ctx, finding, 'retry');
    if (!el) {
      return undefined;
    }
    return [{ title: 'Add `backoff: exponential-jitter`', edits: [ctx.edit.insertKey(el, 'backoff', 'exponential-jitter')], preferred: true }];
  },
});
