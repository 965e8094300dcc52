import { defineRule } from '../../rule';
import { str } from '../../model';
import { callOf, replaceBackoff, retries, targetLabel } from './policy';

export const backoffWithoutJitter = defineRule({
  id: 'RTY007',
  name: 'backoff-without-jitter',
  area: 'retries',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Exponential backoff with jitter: adds randomness to avoid thundering herd', section: 'Retry Behavior › Retry Strategy Parameters' },
  docs: {
    summary: 'A retry policy with `backoff: exponential`, without jitter.',
    why: 'Callers that failed together back off by the same amounts and retry together, in waves that hit the recovering target at once. Jitter "adds randomness to avoid thundering herd".',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
    },
    fix: 'Replaces `exponential` with `exponential-jitter`, keeping the value\'s quotes: a safe fix. A policy with `max_attempts: 1` retries nothing and is not reported.',
  },
  on: 'retry',
  check(el, ctx) {
    const call = callOf(el);
    if (!call || !retries(el) || str(el, 'backoff') !== 'exponential') {
      return;
    }
    ctx.report({
      range: el.fields.get('backoff')!.range,
      message: `the call to ${targetLabel(call)} backs off exponentially without jitter: callers that failed together retry together`,
    });
  },
  fixApplicability: 'safe',
  fix: replaceBackoff,
});
