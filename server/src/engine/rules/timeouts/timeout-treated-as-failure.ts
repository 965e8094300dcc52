import { defineRule } from '../../rule';
import { callerOf, callTarget, targetIdempotent } from '../../designIndex';
import { str } from '../../model';

export const timeoutTreatedAsFailure = defineRule({
  id: 'TMO002',
  name: 'timeout-treated-as-failure',
  area: 'timeouts',
  severity: 'error',
  waivable: true,
  contract: { quote: 'Must be handled as "unknown state" not "failed state"', section: 'Timeout vs Failure › Timeout' },
  docs: {
    summary: 'A call whose `on_timeout` is `fail`: a timeout is handled as a failure.',
    why: 'After a timeout "The operation may have succeeded; you just do not know": it "Must be handled as \\"unknown state\\" not \\"failed state\\"". A caller that reports failure may leave a charge taken or a reservation held that nobody will undo, and a user who tries again is charged twice. "Treating timeout as failure" is one of the knowledge contract\'s anti-patterns; "For timeouts, retry with idempotency or check state before retrying".',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place-order\n        type: query\n        timeout: 5s\n        calls:\n          - to: card-gateway.authorize\n            external: true\n            timeout: 2s\n            on_timeout: fail\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place-order\n        type: query\n        timeout: 5s\n        calls:\n          - to: card-gateway.authorize\n            external: true\n            timeout: 2s\n            on_timeout: reconcile\n',
    },
    fix: 'Replaces `fail` with `reconcile` (check the state before going on), keeping the value\'s quotes: a suggestion, since how to handle an unknown outcome is the author\'s decision. Where the target is idempotent, `retry` is offered as a second choice.',
  },
  on: 'call',
  check(el, ctx) {
    if (str(el, 'on_timeout') !== 'fail') {
      return;
    }
    const to = callTarget(ctx.index, el)?.name;
    const caller = callerOf(el);
    const from = caller ? caller.qualifiedName ?? caller.name : undefined;
    ctx.report({
      range: el.fields.get('on_timeout')!.range,
      message: `\`on_timeout: fail\` makes ${from ? `\`${from}\`` : 'the caller'} report a failure when the call${to !== undefined ? ` to \`${to}\`` : ''} times out, but the call may have succeeded: its outcome is unknown`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const call = ctx.design.calls.find((c) => c.path === finding.path && c.fields.get('on_timeout')?.range[0] === finding.range[0]);
    const f = call?.fields.get('on_timeout');
    if (!call || !f) {
      return undefined;
    }
    const fixes = [{ title: 'Reconcile on timeout: `on_timeout: reconcile`', edits: [ctx.edit.replaceScalar(f, 'reconcile')], preferred: true }];
    if (targetIdempotent(ctx.index, call) === true) {
      fixes.push({ title: 'Retry the idempotent target on timeout: `on_timeout: retry`', edits: [ctx.edit.replaceScalar(f, 'retry')], preferred: false });
    }
    return fixes;
  },
});
