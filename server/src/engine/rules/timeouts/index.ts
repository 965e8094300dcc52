// The timeouts rules, in id order. Each rule lives in its own file, named after the rule.
import type { Rule } from '../../rule';
import { callWithoutTimeout } from './call-without-timeout';
import { timeoutTreatedAsFailure } from './timeout-treated-as-failure';
import { timeoutRetryNotIdempotent } from './timeout-retry-not-idempotent';
import { operationTimeoutUndocumented } from './operation-timeout-undocumented';
import { timeoutUnfitForInteraction } from './timeout-unfit-for-interaction';
import { callTimeoutExceedsCaller } from './call-timeout-exceeds-caller';

export const rules: Rule[] = [
  callWithoutTimeout,
  timeoutTreatedAsFailure,
  timeoutRetryNotIdempotent,
  operationTimeoutUndocumented,
  timeoutUnfitForInteraction,
  callTimeoutExceedsCaller,
];
