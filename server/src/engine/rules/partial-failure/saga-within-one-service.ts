import { elementOf } from '../../designIndex';
import { defineRule } from '../../rule';
import { named } from '../../text';
import { field, str } from '../../model';
import { stepServices } from './saga-step-without-compensation';

export const sagaWithinOneService = defineRule({
  id: 'PAR007',
  name: 'saga-within-one-service',
  area: 'partial-failure',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Atomic operations where possible (single-service transactions)', section: 'Partial Failure › Handling strategies' },
  docs: {
    summary: 'A `pattern: saga` workflow whose steps all run in one service.',
    why: 'Sagas are the knowledge contract\'s answer for "multi-service operations". Inside one service the knowledge contract prefers "Atomic operations where possible (single-service transactions)": one transaction either commits every step or none, with no compensations to write, test and run, and no half-done state to recover.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: create\n        type: command\n      - name: cancel\n        type: command\n      - name: add-lines\n        type: command\nworkflows:\n  - name: place-order\n    pattern: saga\n    steps:\n      - operation: orders.create\n        compensation: orders.cancel\n      - operation: orders.add-lines\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: create\n        type: command\n      - name: cancel\n        type: command\n      - name: add-lines\n        type: command\nworkflows:\n  - name: place-order\n    pattern: atomic\n    steps:\n      - operation: orders.create\n      - operation: orders.add-lines\n',
    },
    fix: 'Replaces `saga` with `atomic` (an unsafe fix: the steps may still need a saga, e.g. when they write to stores one transaction cannot span). The compensations are left for the author to remove.',
  },
  on: 'workflow',
  check(wf, ctx) {
    if (str(wf, 'pattern') !== 'saga') {
      return;
    }
    const { services, complete, steps } = stepServices(ctx.index, wf);
    if (!complete || services.length !== 1) {
      return;
    }
    const stepsField = field(wf, 'steps')!;
    ctx.report({
      range: field(wf, 'pattern')!.range,
      message: `${named('workflow', wf.name)} is a saga, but ${steps.length === 1 ? 'its one step runs' : steps.length === 2 ? 'both its steps run' : `all ${steps.length} of its steps run`} in service \`${services[0]}\`: a single-service transaction can make it atomic`,
      related: [{ range: stepsField.keyRange, message: `every step runs in \`${services[0]}\`` }],
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const wf = elementOf(ctx.design.workflows, finding);
    const f = field(wf, 'pattern');
    if (!wf || !f) {
      return undefined;
    }
    return [{ title: 'Use `pattern: atomic`', edits: [ctx.edit.replaceScalar(f, 'atomic')], preferred: true }];
  },
});
