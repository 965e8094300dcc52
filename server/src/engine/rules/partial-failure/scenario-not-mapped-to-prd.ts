import { defineRule } from '../../rule';
import { bool } from '../../model';
import { named, quoteList } from '../../text';

export const scenarioNotMappedToPrd = defineRule({
  id: 'PAR006',
  name: 'scenario-not-mapped-to-prd',
  area: 'partial-failure',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Map partial failure scenarios to PRD edge cases', section: 'Partial Failure › Design principles' },
  docs: {
    summary: 'A failure scenario that names no `requirement`, while the design lists requirements marked `edge_case: true`.',
    why: 'The knowledge contract asks to "Map partial failure scenarios to PRD edge cases": the PRD says which half-done states matter to the product, and a scenario tied to one shows that the edge case is covered, and which recovery answers it. An unmapped scenario leaves both questions open.',
    example: {
      bad: 'design: shop\ndsl: 1\nrequirements:\n  - id: R5\n    text: A payment taken without a shipment is refunded\n    edge_case: true\nworkflows:\n  - name: checkout\n    failure_scenarios:\n      - when: shipping fails after the charge\n        recovery: refund the charge\n',
      good: 'design: shop\ndsl: 1\nrequirements:\n  - id: R5\n    text: A payment taken without a shipment is refunded\n    edge_case: true\nworkflows:\n  - name: checkout\n    failure_scenarios:\n      - when: shipping fails after the charge\n        recovery: refund the charge\n        requirement: R5\n',
    },
    fix: 'None: which edge case a scenario answers is the author\'s to say.',
  },
  on: 'failureScenario',
  check(el, ctx) {
    if (el.fields.has('requirement')) {
      return;
    }
    const edgeCases = ctx.design.requirements.filter((r) => bool(r, 'edge_case') === true && r.name !== undefined);
    if (!edgeCases.length) {
      return;
    }
    ctx.report({
      range: el.anchor,
      message: `failure scenario of ${named('workflow', el.parent?.name)} maps to no requirement, while the PRD lists ${edgeCases.length === 1 ? 'edge case' : 'edge cases'} ${quoteList(edgeCases.map((r) => r.name)).replace(/`/g, '')}`,
    });
  },
});
