// The partial-failure rules, in id order. Each rule lives in its own file, named after the rule.
import type { Rule } from '../../rule';
import { sagaStepWithoutCompensation } from './saga-step-without-compensation';
import { partialFailurePolicyUndefined } from './partial-failure-policy-undefined';
import { batchWithoutPartialSemantics } from './batch-without-partial-semantics';
import { dualWriteWithoutOutbox } from './dual-write-without-outbox';
import { failureScenariosMissing } from './failure-scenarios-missing';
import { scenarioNotMappedToPrd } from './scenario-not-mapped-to-prd';
import { sagaWithinOneService } from './saga-within-one-service';
import { partialUndefined } from './partial-undefined';
import { rollbackPolicyContradictsPrd } from './rollback-policy-contradicts-prd';

export const rules: Rule[] = [
  sagaStepWithoutCompensation,
  partialFailurePolicyUndefined,
  batchWithoutPartialSemantics,
  dualWriteWithoutOutbox,
  failureScenariosMissing,
  scenarioNotMappedToPrd,
  sagaWithinOneService,
  partialUndefined,
  rollbackPolicyContradictsPrd,
];
