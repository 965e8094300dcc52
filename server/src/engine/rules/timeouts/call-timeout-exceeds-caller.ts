import { defineRule } from '../../rule';
import { callerOf, callTarget } from '../../designIndex';
import { durationMs } from '../../model';
import { formatMs } from '../../text';

export const callTimeoutExceedsCaller = defineRule({
  id: 'TMO006',
  name: 'call-timeout-exceeds-caller',
  area: 'timeouts',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'The operation may have succeeded; you just do not know', section: 'Timeout vs Failure › Timeout' },
  docs: {
    summary: 'A call whose `timeout` is as long as, or longer than, the `timeout` of the operation that makes it.',
    why: 'The caller times out first, while its call is still running: the caller answers "timeout" without knowing the call\'s result. "The operation may have succeeded; you just do not know", and the call\'s own timeout, its `on_timeout` handling and its retries never get a chance to run.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: tax-service.quote\n            external: true\n            timeout: 5s\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        timeout: 2s\n        calls:\n          - to: tax-service.quote\n            external: true\n            timeout: 1s\n',
    },
    fix: 'Sets the call\'s `timeout` to half the caller\'s, keeping the value\'s quotes. Never applied by `--fix`: the call must still be given the time its target needs, so the author confirms the value (or raises the caller\'s timeout instead).',
  },
  on: 'call',
  check(el, ctx) {
    const caller = callerOf(el);
    const ms = durationMs(el, 'timeout');
    const callerMs = durationMs(caller, 'timeout');
    if (!caller || ms === undefined || callerMs === undefined || ms < callerMs) {
      return;
    }
    const from = caller.qualifiedName ?? caller.name ?? '?';
    const to = callTarget(ctx.index, el)?.name;
    ctx.report({
      range: el.fields.get('timeout')!.range,
      message: `the call${to !== undefined ? ` to \`${to}\`` : ''} may wait ${formatMs(ms)}, ${ms === callerMs ? 'as long as' : 'longer than'} the ${formatMs(callerMs)} timeout of its caller \`${from}\`: the caller times out first, not knowing the call's result`,
      related: [{ range: caller.fields.get('timeout')!.range, message: `the timeout of \`${from}\`` }],
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const call = ctx.design.calls.find((c) => c.path === finding.path && c.fields.get('timeout')?.range[0] === finding.range[0]);
    const f = call?.fields.get('timeout');
    const callerMs = call ? durationMs(callerOf(call), 'timeout') : undefined;
    if (!f || callerMs === undefined || callerMs < 2) {
      return undefined;
    }
    const v = formatMs(Math.floor(callerMs / 2));
    return [{ title: `Lower the call's timeout to \`${v}\``, edits: [ctx.edit.replaceScalar(f, v)], preferred: true }];
  },
});
