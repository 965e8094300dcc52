import { citedRequirements, elementOf } from '../../designIndex';
import { defineRule } from '../../rule';
import { field, str } from '../../model';
import { named, quoteList } from '../../text';

export const rollbackPolicyContradictsPrd = defineRule({
  id: 'PAR009',
  name: 'rollback-policy-contradicts-prd',
  area: 'partial-failure',
  severity: 'error',
  waivable: true,
  contract: { quote: 'Define whether partial success is acceptable or must be fully rolled back', section: 'Partial Failure › Design principles' },
  docs: {
    summary: 'A workflow with `on_partial_failure: accept-partial` that cites a requirement with `partial_success: rollback`.',
    why: 'The knowledge contract asks to "Define whether partial success is acceptable or must be fully rolled back", and the PRD has decided: the cited requirement says a partial result must be rolled back. A workflow that keeps partial results breaks that requirement every time it fails part-way.',
    example: {
      bad: 'design: shop\ndsl: 1\nrequirements:\n  - id: R5\n    text: A payment taken without a shipment is refunded\n    partial_success: rollback\nworkflows:\n  - name: checkout\n    pattern: saga\n    on_partial_failure: accept-partial\n    requirements: [R5]\n',
      good: 'design: shop\ndsl: 1\nrequirements:\n  - id: R5\n    text: A payment taken without a shipment is refunded\n    partial_success: rollback\nworkflows:\n  - name: checkout\n    pattern: saga\n    on_partial_failure: compensate\n    requirements: [R5]\n',
    },
    fix: 'Replaces `accept-partial` with `compensate` for a saga (`rollback` for an atomic workflow): the answer the requirement leaves. Without a valid `pattern` both are offered. A suggestion either way: `--fix` leaves the policy to the author.',
  },
  on: 'workflow',
  check(wf, ctx) {
    if (str(wf, 'on_partial_failure') !== 'accept-partial') {
      return;
    }
    const rollback = citedRequirements(ctx.index, wf).filter((r) => str(r, 'partial_success') === 'rollback');
    if (!rollback.length) {
      return;
    }
    ctx.report({
      range: field(wf, 'on_partial_failure')!.range,
      message: `${named('workflow', wf.name)} accepts partial success, but ${rollback.length === 1 ? 'requirement' : 'requirements'} ${quoteList(rollback.map((r) => r.name)).replace(/`/g, '')} ${rollback.length === 1 ? 'demands' : 'demand'} that a partial result be rolled back`,
      related: rollback.map((r) => ({ range: field(r, 'partial_success')!.range, message: `requirement ${r.name}: partial success must be fully rolled back` })),
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const wf = elementOf(ctx.design.workflows, finding);
    const f = field(wf, 'on_partial_failure');
    if (!wf || !f) {
      return undefined;
    }
    const pattern = str(wf, 'pattern');
    const compensate = { title: 'Use `on_partial_failure: compensate`', edits: [ctx.edit.replaceScalar(f, 'compensate')] };
    const rollback = { title: 'Use `on_partial_failure: rollback`', edits: [ctx.edit.replaceScalar(f, 'rollback')] };
    if (pattern === 'saga') {
      return [{ ...compensate, preferred: true }];
    }
    if (pattern === 'atomic') {
      return [{ ...rollback, preferred: true }];
    }
    return [
      { ...compensate, preferred: true },
      rollback,
    ];
  },
});
