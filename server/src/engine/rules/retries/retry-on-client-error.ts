import { defineRule } from '../../rule';
import type { Item } from '../../model';
import { callOf, pickItems, retries, targetLabel, removeFromRetryOn } from './policy';

/** The symbols of `retry_on` that name errors the knowledge contract says never to retry, as a message says them. */
const CLIENT_SYMBOLS: Record<string, string> = {
  'client-error': 'client errors',
  validation: 'validation errors',
  'business-rule': 'business rule violations',
  malformed: 'malformed requests',
};

/** 408 Request Timeout, 425 Too Early and 429 Too Many Requests are the 4xx worth retrying. */
const RETRYABLE_4XX = new Set([408, 425, 429]);

/** What a `retry_on` item names when it is a client error, else undefined. */
export function clientError(it: Item): string | undefined {
  const v = it.value;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 400 && v <= 499 && !RETRYABLE_4XX.has(v)) {
    return 'a client error';
  }
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(CLIENT_SYMBOLS, v) ? CLIENT_SYMBOLS[v] : undefined;
}

export const retryOnClientError = defineRule({
  id: 'RTY001',
  name: 'retry-on-client-error',
  area: 'retries',
  severity: 'error',
  waivable: true,
  contract: { quote: 'When NOT to Retry', section: 'Retry Behavior' },
  docs: {
    summary: 'A retry policy whose `retry_on` lists a client error: a 4xx status other than 408, 425 and 429, or `client-error`, `validation`, `business-rule` or `malformed`.',
    why: 'The knowledge contract lists what not to retry: "Client errors (400, 401, 403, 404, 422)", "Business rule violations", "Malformed requests". The same request fails the same way on every attempt, so a retry only adds load and delays the error the caller must handle anyway. 408 (request timeout), 425 (too early) and 429 (rate limit exceeded, "with backoff") are transient and stay retryable.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, 404, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 1s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        timeout: 300ms\n',
    },
    fix: 'Removes the client error from `retry_on` (every item of that value), keeping the comments around it: a safe fix. A policy with `max_attempts: 1` retries nothing and is not reported.',
  },
  on: 'retry',
  check(el, ctx) {
    const call = callOf(el);
    if (!call || !retries(el)) {
      return;
    }
    for (const { item } of pickItems(el.fields.get('retry_on'), (it) => clientError(it) !== undefined)) {
      ctx.report({
        range: item.range,
        message: `the call to ${targetLabel(call)} retries on \`${String(item.value)}\` (${clientError(item)}): the same request fails the same way on every attempt`,
        data: { value: item.value },
      });
    }
  },
  fixApplicability: 'safe',
  fix: removeFromRetryOn,
});
