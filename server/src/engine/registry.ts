// The one list of rules. Everything that shows a rule — diagnostics, hovers, quick fixes,
// docs, the checklist, the CLI — reads it from here.
import type { Rule } from './rule';
import { rules as structure } from './rules/structure';
import { rules as delivery } from './rules/delivery';
import { rules as retries } from './rules/retries';
import { rules as duplicates } from './rules/duplicates';
import { rules as timeouts } from './rules/timeouts';
import { rules as partialFailure } from './rules/partial-failure';
import { rules as consistency } from './rules/consistency';
import { rules as ordering } from './rules/ordering';

export const RULES: readonly Rule[] = [
  ...structure,
  ...delivery,
  ...retries,
  ...duplicates,
  ...timeouts,
  ...partialFailure,
  ...consistency,
  ...ordering,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
export const RULES_BY_NAME: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.name, r]));

/** A rule by id or by name, case-insensitive on the id. */
export function findRule(idOrName: string): Rule | undefined {
  return RULES_BY_ID.get(idOrName.toUpperCase()) ?? RULES_BY_NAME.get(idOrName);
}
