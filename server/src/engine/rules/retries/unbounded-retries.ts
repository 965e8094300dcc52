import { defineRule } from '../../rule';
import { str } from '../../model';
import { callOf, findElement, joinInsertions, setOwnKey, targetLabel } from './policy';

export const CIRCUIT_BREAKER = { failure_threshold: '50%', open_for: '30s' };

export const unboundedRetries = defineRule({
  id: 'RTY004',
  name: 'unbounded-retries',
  area: 'retries',
  severity: 'error',
  waivable: true,
  contract: { quote: 'Infinite retries without a circuit breaker', section: 'Retry Behavior › Retry Anti-Patterns' },
  docs: {
    summary: 'A retry policy whose `max_attempts` is `unlimited` or missing, on a call with no `circuit_breaker`.',
    why: 'The knowledge contract names "Infinite retries without a circuit breaker" an anti-pattern: while the target is down, every caller keeps retrying, the load never lets it recover, and the failure cascades. Bound the attempts ("Maximum retries: define per operation (typically 2-5)"), or let a circuit breaker stop the calls while the target fails. A call with no `retry` does not retry and is not reported.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: unlimited\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 1s\n            circuit_breaker:\n              failure_threshold: 50%\n              open_for: 30s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
    },
    fix: 'Sets `max_attempts: 3` and adds `circuit_breaker: {failure_threshold: 50%, open_for: 30s}` to the call (preferred), or adds only the circuit breaker. Both are unsafe: the bound and the thresholds are the author\'s choice. A `max_attempts` merged in from a shared `<<` mapping is overridden in the policy itself, not changed at its source.',
  },
  on: 'retry',
  check(el, ctx) {
    const call = callOf(el);
    if (!call || call.fields.has('circuit_breaker')) {
      return;
    }
    const f = el.fields.get('max_attempts');
    if (!f) {
      ctx.report({
        range: el.anchor,
        message: `the call to ${targetLabel(call)} retries with no \`max_attempts\` and no circuit breaker: while the target fails, the retries never stop`,
      });
    } else if (str(el, 'max_attempts') === 'unlimited') {
      ctx.report({
        range: f.range,
        message: `the call to ${targetLabel(call)} retries with unlimited attempts and no circuit breaker: while the target fails, the retries never stop`,
      });
    }
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = findElement(ctx, finding, 'retry');
    const call = el && callOf(el);
    if (!el || !call) {
      return undefined;
    }
    const breaker = ctx.edit.insertKey(call, 'circuit_breaker', CIRCUIT_BREAKER);
    return [
      {
        title: 'Bound the retries at `max_attempts: 3` and add a `circuit_breaker`',
        edits: joinInsertions([setOwnKey(ctx, el, 'max_attempts', 3), breaker]),
        preferred: true,
      },
      { title: 'Add a `circuit_breaker` to the call', edits: [breaker] },
    ];
  },
});
