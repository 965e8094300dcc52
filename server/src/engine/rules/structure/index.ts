// The structure rules, in id order. Each rule lives in its own file, named after the rule.
import type { Rule } from '../../rule';
import { yamlSyntax } from './yaml-syntax';
import { unknownKey } from './unknown-key';
import { invalidValue } from './invalid-value';
import { unresolvedReference } from './unresolved-reference';
import { duplicateName } from './duplicate-name';
import { missingRequired } from './missing-required';
import { waiverWithoutReason } from './waiver-without-reason';

export const rules: Rule[] = [yamlSyntax, unknownKey, invalidValue, unresolvedReference, duplicateName, missingRequired, waiverWithoutReason];
