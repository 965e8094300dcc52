// The delivery rules, in id order. Each rule lives in its own file, named after the rule.
import type { Rule } from '../../rule';
import { deliveryUndeclared } from './delivery-undeclared';
import { exactlyOnceNotRequired } from './exactly-once-not-required';
import { atMostOnceLosesRequiredData } from './at-most-once-loses-required-data';
import { consumerNotIdempotent } from './consumer-not-idempotent';
import { exactlyOnceWithoutMechanism } from './exactly-once-without-mechanism';
import { strongerThanRequired } from './stronger-than-required';

export const rules: Rule[] = [
  deliveryUndeclared,
  exactlyOnceNotRequired,
  atMostOnceLosesRequiredData,
  consumerNotIdempotent,
  exactlyOnceWithoutMechanism,
  strongerThanRequired,
];
