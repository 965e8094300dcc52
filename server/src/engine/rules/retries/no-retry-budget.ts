import { defineRule } from '../../rule';
import { callOf, findElement, retries, targetLabel } from './policy';

export const noRetryBudget = defineRule({
  id: 'RTY011',
  name: 'no-retry-budget',
  area: 'retries',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Retry budget: limit total retries per time window to prevent cascading failure', section: 'Retry Behavior › Retry Strategy Parameters' },
  docs: {
    summary: 'A retry policy with no `budget`.',
    why: 'Bounded attempts per call still multiply the load when every call fails at once: with 3 attempts, an outage triples the traffic to a target that is already failing. A "Retry budget: limit total retries per time window to prevent cascading failure" caps the share of calls that may be retries.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
    },
    fix: 'Adds `budget: 10%` to the policy. Unsafe: the share is the author\'s choice. A policy with `max_attempts: 1` retries nothing and is not reported.',
  },
  on: 'retry',
  check(el, ctx) {
    const call = callOf(el);
    if (!call || !retries(el) || el.fields.has('budget')) {
      return;
    }
    ctx.report({
      range: el.anchor,
      message: `the retry policy of the call to ${targetLabel(call)} has no \`budget\`: when every call fails at once, nothing limits the retries`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = findElement(ctx, finding, 'retry');
    if (!el) {
      return undefined;
    }
    return [{ title: 'Add `budget: 10%`', edits: [ctx.edit.insertKey(el, 'budget', '10%')], preferred: true }];
  },
});
