import { citedRequirements, elementOf, Index } from '../../designIndex';
import { defineRule } from '../../rule';
import { keysBefore } from '../../schema';
import { childElements, Element, field, Operation, str } from '../../model';
import { named, quoteList } from '../../text';
import type { FixProposal } from '../../types';

/**
 * The services a workflow's steps run in, in step order; `complete` is false when a step's
 * operation is missing, invalid or names nothing (DSN003/DSN004/DSN006), so that rules
 * which need every step's service stay silent rather than guess.
 */
export function stepServices(ix: Index, wf: Element): { services: string[]; complete: boolean; steps: Element[] } {
  const steps = childElements(wf, 'steps');
  const services: string[] = [];
  let complete = true;
  for (const s of steps) {
    const ref = str(s, 'operation');
    const op = ref === undefined ? undefined : ix.operations.get(ref);
    const svc = op?.service.name;
    if (svc === undefined) {
      complete = false;
      continue;
    }
    if (!services.includes(svc)) {
      services.push(svc);
    }
  }
  return { services, complete, steps };
}

export const sagaStepWithoutCompensation = defineRule({
  id: 'PAR001',
  name: 'saga-step-without-compensation',
  area: 'partial-failure',
  severity: 'error',
  waivable: true,
  contract: { quote: 'Compensating transactions (saga pattern) for multi-service operations', section: 'Partial Failure › Handling strategies' },
  docs: {
    summary: 'In a workflow that spans several services, a step other than the last with no `compensation` (a step whose operation is a `query` changes nothing and needs none; a workflow with `on_partial_failure: accept-partial` undoes nothing, unless a requirement it cites has `partial_success: rollback`).',
    why: 'Partial failure occurs when "A multi-step operation fails after some steps succeed". Across services there is no single transaction to roll back: the knowledge contract\'s answer is "Compensating transactions (saga pattern) for multi-service operations". A step without a compensation leaves its effect in place when a later step fails (stock stays reserved, a card stays charged). The last step needs none: nothing runs after it that could fail.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: inventory\n    operations:\n      - name: reserve\n        type: command\n      - name: release\n        type: command\n  - name: shipping\n    operations:\n      - name: schedule\n        type: command\nworkflows:\n  - name: checkout\n    pattern: saga\n    steps:\n      - operation: inventory.reserve\n      - operation: shipping.schedule\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: inventory\n    operations:\n      - name: reserve\n        type: command\n      - name: release\n        type: command\n  - name: shipping\n    operations:\n      - name: schedule\n        type: command\nworkflows:\n  - name: checkout\n    pattern: saga\n    steps:\n      - operation: inventory.reserve\n        compensation: inventory.release\n      - operation: shipping.schedule\n',
    },
    fix: "Adds `compensation:` naming an operation of the step's own service (one fix per candidate that is not a query; none is safe, since which operation undoes the step is the author's call). Declines when the service has no other operation.",
  },
  on: 'step',
  check(step, ctx) {
    const wf = step.parent;
    if (wf?.kind !== 'workflow' || step.fields.has('compensation')) {
      return;
    }
    // The design accepts partial success and no requirement it cites demands a rollback
    // (that contradiction is PAR009's): nothing is to be undone.
    if (str(wf, 'on_partial_failure') === 'accept-partial' && !citedRequirements(ctx.index, wf).some((r) => str(r, 'partial_success') === 'rollback')) {
      return;
    }
    const { services, steps } = stepServices(ctx.index, wf);
    const i = steps.indexOf(step);
    // Known to span several services only when the resolved steps already name two.
    if (services.length < 2 || i < 0 || i === steps.length - 1) {
      return;
    }
    const ref = str(step, 'operation');
    const op = ref === undefined ? undefined : ctx.index.operations.get(ref);
    if (!op) {
      return;
    }
    const type = field(op, 'type');
    // A query changes nothing; a type DSN003 reports is not compared.
    if (str(op, 'type') === 'query' || (type && !type.valid)) {
      return;
    }
    const later = steps
      .slice(i + 1)
      .map((s) => str(s, 'operation'))
      .filter((x): x is string => x !== undefined);
    ctx.report({
      range: step.anchor,
      message:
        `step \`${ref}\` of ${named('workflow', wf.name)}, which spans ${quoteList(services)}, has no \`compensation\`: ` +
        `if ${later.length === 1 ? `\`${later[0]}\`` : 'a later step'} fails, its effect cannot be undone`,
      data: { operation: ref },
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const ref = finding.data?.operation;
    const step = elementOf(ctx.design.steps, finding);
    const op = typeof ref === 'string' ? ctx.index.operations.get(ref) : undefined;
    if (!step || !op) {
      return undefined;
    }
    const candidates = ctx.design.operations.filter(
      (o: Operation) => o.service === op.service && o !== op && o.qualifiedName !== undefined && o.qualifiedName !== ref && str(o, 'type') !== 'query',
    );
    // Operations whose names say they undo something come first; the order is only a hint.
    const undo = (o: Operation) => (/^(un|undo|cancel|release|refund|revert|void|compensate|rollback|roll-back|delete|remove)/.test(o.name ?? '') ? 0 : 1);
    candidates.sort((a, b) => undo(a) - undo(b));
    return candidates.map(
      (o): FixProposal => ({ title: `Add \`compensation: ${o.qualifiedName}\``, edits: [ctx.edit.insertKeyAfter(step, keysBefore('step', 'compensation'), 'compensation', o.qualifiedName!)] }),
    );
  },
});
