import { citedRequirements, elementOf } from '../../designIndex';
import { defineRule } from '../../rule';
import { keysBefore } from '../../schema';
import { named } from '../../text';
import { str } from '../../model';
import type { FixProposal } from '../../types';

export const partialFailurePolicyUndefined = defineRule({
  id: 'PAR002',
  name: 'partial-failure-policy-undefined',
  area: 'partial-failure',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Define whether partial success is acceptable or must be fully rolled back', section: 'Partial Failure › Design principles' },
  docs: {
    summary: 'A workflow that does not say what happens when it fails part-way (`on_partial_failure`).',
    why: 'Partial failure occurs when "A multi-step operation fails after some steps succeed". The knowledge contract asks to "Define whether partial success is acceptable or must be fully rolled back": without that decision each step\'s owner handles the half-done state differently, and nobody runs the compensations.',
    example: {
      bad: 'design: shop\ndsl: 1\nworkflows:\n  - name: checkout\n    pattern: saga\n    partial_means: stock reserved but no shipment scheduled\n    failure_scenarios:\n      - when: shipping fails after the reservation\n        recovery: release the reservation\n',
      good: 'design: shop\ndsl: 1\nworkflows:\n  - name: checkout\n    pattern: saga\n    partial_means: stock reserved but no shipment scheduled\n    on_partial_failure: compensate\n    failure_scenarios:\n      - when: shipping fails after the reservation\n        recovery: release the reservation\n',
    },
    fix: 'Adds `on_partial_failure:`, one fix per policy: `compensate` preferred (`rollback` for an atomic workflow); `accept-partial` is not offered when a cited requirement demands a rollback. None is safe: whether partial success is acceptable is the product\'s decision.',
  },
  on: 'workflow',
  check(wf, ctx) {
    if (wf.fields.has('on_partial_failure')) {
      return;
    }
    ctx.report({
      range: wf.anchor,
      message: `${named('workflow', wf.name)} does not say whether partial success is acceptable or must be rolled back (\`on_partial_failure\`)`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const wf = elementOf(ctx.design.workflows, finding);
    if (!wf) {
      return undefined;
    }
    const preferred = str(wf, 'pattern') === 'atomic' ? 'rollback' : 'compensate';
    const rollbackRequired = citedRequirements(ctx.index, wf).some((r) => str(r, 'partial_success') === 'rollback');
    const values = [preferred, ...['compensate', 'rollback', 'accept-partial'].filter((v) => v !== preferred && !(rollbackRequired && v === 'accept-partial'))];
    return values.map(
      (v): FixProposal => ({ title: `Declare \`on_partial_failure: ${v}\``, edits: [ctx.edit.insertKeyAfter(wf, keysBefore('workflow', 'on_partial_failure'), 'on_partial_failure', v)], preferred: v === preferred }),
    );
  },
});
