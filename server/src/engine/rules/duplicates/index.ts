// The duplicates rules, in id order. Each rule lives in its own file, named after the rule.
import type { Rule } from '../../rule';
import { commandWithoutIdempotency } from './command-without-idempotency';
import { idempotencyKeyWithoutRetention } from './idempotency-key-without-retention';

export const rules: Rule[] = [commandWithoutIdempotency, idempotencyKeyWithoutRetention];
