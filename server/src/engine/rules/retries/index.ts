// The retries rules, in id order. Each rule lives in its own file, named after the rule.
import type { Rule } from '../../rule';
import { retryOnClientError } from './retry-on-client-error';
import { retryOnNonRetryable } from './retry-on-non-retryable';
import { retryNonIdempotent } from './retry-non-idempotent';
import { unboundedRetries } from './unbounded-retries';
import { maxAttemptsOutOfRange } from './max-attempts-out-of-range';
import { fixedBackoff } from './fixed-backoff';
import { backoffWithoutJitter } from './backoff-without-jitter';
import { retryWithoutBackoff } from './retry-without-backoff';
import { ignoresRetryAfter } from './ignores-retry-after';
import { syncRetryUnbounded } from './sync-retry-unbounded';
import { noRetryBudget } from './no-retry-budget';

export const rules: Rule[] = [
  retryOnClientError,
  retryOnNonRetryable,
  retryNonIdempotent,
  unboundedRetries,
  maxAttemptsOutOfRange,
  fixedBackoff,
  backoffWithoutJitter,
  retryWithoutBackoff,
  ignoresRetryAfter,
  syncRetryUnbounded,
  noRetryBudget,
];
