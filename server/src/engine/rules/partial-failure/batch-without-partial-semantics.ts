import { citedRequirements, elementOf } from '../../designIndex';
import { defineRule } from '../../rule';
import { keysBefore } from '../../schema';
import { named } from '../../text';
import { bool, field, Operation, str } from '../../model';
import type { FixProposal } from '../../types';

export const batchWithoutPartialSemantics = defineRule({
  id: 'PAR003',
  name: 'batch-without-partial-semantics',
  area: 'partial-failure',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Partial success responses (207 Multi-Status for batch operations)', section: 'Partial Failure › Handling strategies' },
  docs: {
    summary: 'A `batch: true` operation that does not say what it returns when some of its items fail (`partial_success`).',
    why: 'Partial failure occurs when "A batch operation partially succeeds". The caller must know which items went through: the knowledge contract\'s answer is "Partial success responses (207 Multi-Status for batch operations)", or an all-or-nothing batch. Undeclared, a caller that retries the whole batch repeats the items that succeeded.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: catalog\n    operations:\n      - name: import-prices\n        type: command\n        interaction: batch\n        batch: true\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: catalog\n    operations:\n      - name: import-prices\n        type: command\n        interaction: batch\n        batch: true\n        partial_success: multi-status\n',
    },
    fix: 'Adds `partial_success: multi-status` (preferred) or `partial_success: all-or-nothing`. When a requirement the operation cites demands a rollback, only `all-or-nothing` is offered. A suggestion: the choice is the author\'s to confirm.',
  },
  on: 'operation',
  check(op, ctx) {
    if (bool(op, 'batch') !== true || op.fields.has('partial_success')) {
      return;
    }
    ctx.report({
      range: field(op, 'batch')!.range,
      message: `batch ${named('operation', (op as Operation).qualifiedName ?? op.name)} does not say what it returns when some items fail (\`partial_success\`: multi-status or all-or-nothing)`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const op = elementOf(ctx.design.operations, finding);
    if (!op) {
      return undefined;
    }
    const add = (v: string): FixProposal => ({ title: `Add \`partial_success: ${v}\``, edits: [ctx.edit.insertKeyAfter(op, keysBefore('operation', 'partial_success'), 'partial_success', v)] });
    if (citedRequirements(ctx.index, op).some((r) => str(r, 'partial_success') === 'rollback')) {
      return [{ ...add('all-or-nothing'), preferred: true }];
    }
    return [{ ...add('multi-status'), preferred: true }, add('all-or-nothing')];
  },
});
