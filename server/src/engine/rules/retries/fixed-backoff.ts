import { defineRule } from '../../rule';
import { str } from '../../model';
import { callOf, replaceBackoff, retries, safeIfBoundedBackoff, targetLabel } from './policy';

export const fixedBackoff = defineRule({
  id: 'RTY006',
  name: 'fixed-backoff',
  area: 'retries',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Fixed interval: predictable but may overwhelm recovering service', section: 'Retry Behavior › Retry Strategy Parameters' },
  docs: {
    summary: 'A retry policy with `backoff: fixed`.',
    why: 'A fixed interval is "predictable but may overwhelm recovering service": while the target recovers, every caller keeps retrying at the same rate, and the load it cannot yet carry keeps it down. Exponential backoff makes the waits grow; with jitter "adds randomness to avoid thundering herd".',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: fixed\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
    },
    fix: 'Replaces `fixed` with `exponential-jitter`, the recommended default with randomness added, keeping the value\'s quotes: safe where the policy has a `deadline`, or where its worst-case duration with the new backoff stays below the caller\'s `timeout`; elsewhere a suggestion, since the retries may then outlast the caller. A policy with `max_attempts: 1` retries nothing and is not reported.',
  },
  on: 'retry',
  check(el, ctx) {
    const call = callOf(el);
    if (!call || !retries(el) || str(el, 'backoff') !== 'fixed') {
      return;
    }
    ctx.report({
      range: el.fields.get('backoff')!.range,
      message: `the call to ${targetLabel(call)} retries at a fixed interval: while the target recovers, the retries keep arriving at the same rate`,
    });
  },
  fixApplicability: safeIfBoundedBackoff,
  fix: replaceBackoff,
});
