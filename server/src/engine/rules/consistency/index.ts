// The consistency rules, in id order. Each rule lives in its own file, named after the rule.
import type { Rule } from '../../rule';
import { eventualWhereStrongRequired } from './eventual-where-strong-required';
import { eventualWithoutStalenessBound } from './eventual-without-staleness-bound';
import { stalenessExceedsRequirement } from './staleness-exceeds-requirement';
import { eventualWithoutConvergence } from './eventual-without-convergence';
import { staleReadsUnhandled } from './stale-reads-unhandled';
import { strongWhereEventualSuffices } from './strong-where-eventual-suffices';
import { consistencyUndeclared } from './consistency-undeclared';

export const rules: Rule[] = [
  eventualWhereStrongRequired,
  eventualWithoutStalenessBound,
  stalenessExceedsRequirement,
  eventualWithoutConvergence,
  staleReadsUnhandled,
  strongWhereEventualSuffices,
  consistencyUndeclared,
];
