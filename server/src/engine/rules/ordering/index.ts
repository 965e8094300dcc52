// The ordering rules, in id order. Each rule lives in its own file, named after the rule.
import type { Rule } from '../../rule';
import { orderingUndeclared } from './ordering-undeclared';
import { partitionKeyMissing } from './partition-key-missing';
import { globalOrderingNotRequired } from './global-ordering-not-required';
import { orderExpectedNotGuaranteed } from './order-expected-not-guaranteed';
import { partitionKeyMismatch } from './partition-key-mismatch';
import { unorderedConsumersUnprepared } from './unordered-consumers-unprepared';

export const rules: Rule[] = [
  orderingUndeclared,
  partitionKeyMissing,
  globalOrderingNotRequired,
  orderExpectedNotGuaranteed,
  partitionKeyMismatch,
  unorderedConsumersUnprepared,
];
