import { defineRule } from '../../rule';
import { named } from '../../text';

export const partialUndefined = defineRule({
  id: 'PAR008',
  name: 'partial-undefined',
  area: 'partial-failure',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Define what "partial" means for each operation', section: 'Partial Failure › Design principles' },
  docs: {
    summary: 'A workflow that does not say what "partial" means for it (`partial_means`).',
    why: 'Partial failure occurs when "A multi-step operation fails after some steps succeed", and the knowledge contract\'s first design principle is: Define what "partial" means for each operation. Which half-done states can exist (stock reserved but nothing shipped, a charge without an order) is what the recovery procedures, the compensations and the PRD\'s edge cases are about. Unnamed, each reader pictures a different one.',
    example: {
      bad: 'design: shop\ndsl: 1\nworkflows:\n  - name: checkout\n    pattern: saga\n    on_partial_failure: compensate\n    failure_scenarios:\n      - when: shipping fails after the reservation\n        recovery: release the reservation\n',
      good: 'design: shop\ndsl: 1\nworkflows:\n  - name: checkout\n    pattern: saga\n    partial_means: stock reserved but no shipment scheduled\n    on_partial_failure: compensate\n    failure_scenarios:\n      - when: shipping fails after the reservation\n        recovery: release the reservation\n',
    },
    fix: 'None: what "partial" means is the author\'s to describe in `partial_means`.',
  },
  on: 'workflow',
  check(wf, ctx) {
    if (wf.fields.has('partial_means')) {
      return;
    }
    ctx.report({ range: wf.anchor, message: `${named('workflow', wf.name)} does not define what "partial" means for it (\`partial_means\`)` });
  },
});
