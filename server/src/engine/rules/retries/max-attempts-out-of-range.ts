import { defineRule } from '../../rule';
import { num } from '../../model';
import { callOf, findElement, targetLabel } from './policy';

export const MAX_TYPICAL_ATTEMPTS = 5;

export const maxAttemptsOutOfRange = defineRule({
  id: 'RTY005',
  name: 'max-attempts-out-of-range',
  area: 'retries',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Maximum retries: define per operation (typically 2-5)', section: 'Retry Behavior › Retry Strategy Parameters' },
  docs: {
    summary: 'A retry policy whose `max_attempts` is a number above 5 (`unlimited` is RTY004\'s).',
    why: 'The knowledge contract puts the maximum "typically 2-5". A transient failure clears within a few attempts; past that, the failure is not transient, and every further attempt adds load to a target that is already failing and keeps the caller waiting.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 8\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
    },
    fix: 'Sets `max_attempts: 5`, the nearest value in the typical range: a suggestion, since it shrinks a chosen retry window. Where a provider\'s SLA asks for more, waive the finding with a reason instead.',
  },
  on: 'retry',
  check(el, ctx) {
    const call = callOf(el);
    const n = num(el, 'max_attempts');
    if (!call || n === undefined || n <= MAX_TYPICAL_ATTEMPTS) {
      return;
    }
    ctx.report({
      range: el.fields.get('max_attempts')!.range,
      message: `the call to ${targetLabel(call)} makes up to ${n} attempts, more than the typical 2-5: past a few attempts the failure is not transient`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = findElement(ctx, finding, 'retry');
    const f = el?.fields.get('max_attempts');
    if (!f) {
      return undefined;
    }
    return [{ title: `Set \`max_attempts: ${MAX_TYPICAL_ATTEMPTS}\``, edits: [ctx.edit.replaceScalar(f, MAX_TYPICAL_ATTEMPTS)], preferred: true }];
  },
});
