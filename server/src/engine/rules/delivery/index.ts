// The delivery rules, in id order. Each rule lives in its own file, named after the rule.
import type { Rule } from '../../rule';
import { deliveryUndeclared } from './delivery-undeclared';

export const rules: Rule[] = [deliveryUndeclared];
