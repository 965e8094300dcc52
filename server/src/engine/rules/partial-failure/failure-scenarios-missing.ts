import { elementOf } from '../../designIndex';
import { defineRule } from '../../rule';
import { keysBefore } from '../../schema';
import { named } from '../../text';
import { Element, field } from '../../model';

const WHEN = 'TODO: which step fails, after which steps succeeded';
const RECOVERY = 'TODO: how the steps that succeeded are compensated or completed';

export const failureScenariosMissing = defineRule({
  id: 'PAR005',
  name: 'failure-scenarios-missing',
  area: 'partial-failure',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Document recovery procedures for each partial failure scenario', section: 'Partial Failure › Design principles' },
  docs: {
    summary: 'A workflow with no `failure_scenarios`, or a failure scenario with no `recovery`.',
    why: '"Ignoring partial failure scenarios" is one of the knowledge contract\'s anti-patterns. A multi-step operation can fail after some steps succeed; the knowledge contract asks to "Document recovery procedures for each partial failure scenario", so that the people on call know what to undo or finish, and in which order.',
    example: {
      bad: 'design: shop\ndsl: 1\nworkflows:\n  - name: checkout\n    pattern: saga\n    partial_means: stock reserved but no shipment scheduled\n    on_partial_failure: compensate\n',
      good: 'design: shop\ndsl: 1\nworkflows:\n  - name: checkout\n    pattern: saga\n    partial_means: stock reserved but no shipment scheduled\n    on_partial_failure: compensate\n    failure_scenarios:\n      - when: shipping fails after the reservation\n        recovery: release the reservation\n',
    },
    fix: 'Adds a skeleton to fill in: a `failure_scenarios` entry with `when` and `recovery` placeholders, or the missing `recovery:` of a scenario (an unsafe fix: `--fix` never writes placeholders).',
  },
  on: 'any',
  check(el, ctx) {
    if (el.kind === 'workflow') {
      const f = field(el, 'failure_scenarios');
      if (!f) {
        ctx.report({ range: el.anchor, message: `${named('workflow', el.name)} documents no failure scenario and its recovery (\`failure_scenarios\`)` });
      } else if (f.valid && f.items && f.items.length === 0) {
        ctx.report({ range: f.range, message: `${named('workflow', el.name)} documents no failure scenario and its recovery: \`failure_scenarios\` is empty` });
      }
    } else if (el.kind === 'failureScenario' && !el.fields.has('recovery')) {
      ctx.report({ range: el.anchor, message: `failure scenario of ${named('workflow', el.parent?.name)} documents no recovery procedure (\`recovery\`)` });
    }
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const scenario = elementOf(ctx.design.scenarios, finding);
    if (scenario) {
      const edit = ctx.edit.insertKeyAfter(scenario, keysBefore('failureScenario', 'recovery'), 'recovery', RECOVERY);
      return [{ title: 'Add a `recovery:` to fill in', edits: [edit], preferred: true }];
    }
    const wf: Element | undefined = elementOf(ctx.design.workflows, finding);
    if (!wf) {
      return undefined;
    }
    const e = ctx.edit;
    const title = 'Add a failure scenario to fill in';
    const f = field(wf, 'failure_scenarios');
    if (f) {
      // `failure_scenarios: []`: the skeleton goes inside the brackets the author wrote.
      const flow = `[{when: ${e.scalar(WHEN)}, recovery: ${e.scalar(RECOVERY)}}]`;
      return [{ title, edits: [{ range: f.range, newText: flow }], preferred: true }];
    }
    const edit = e.insertKeyAfter(wf, keysBefore('workflow', 'failure_scenarios'), 'failure_scenarios', [{ when: WHEN, recovery: RECOVERY }]);
    // In a block mapping, a block list reads better than the one-line flow form the Editor
    // renders: `failure_scenarios:` and, under it, `- when:` and `recovery:` lines.
    const m = new RegExp(`^(\\r?\\n)( *)failure_scenarios: \\[`).exec(edit.newText);
    if (m) {
      const [, eol, indent] = m;
      edit.newText =
        `${eol}${indent}failure_scenarios:` +
        `${eol}${indent}  - when: ${e.scalar(WHEN)}` +
        `${eol}${indent}    recovery: ${e.scalar(RECOVERY)}`;
    }
    return [{ title, edits: [edit], preferred: true }];
  },
});
