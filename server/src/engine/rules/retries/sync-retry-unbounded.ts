import { defineRule } from '../../rule';
import { callerOf } from '../../designIndex';
import { durationMs, str } from '../../model';
import { formatMs } from '../../text';
import { callOf, findElement, isAliased, retries, setOwnKey, targetLabel } from './policy';

/** The share of the caller's timeout a fix gives the retries: the rest is left for the caller's own work. */
const DEADLINE_SHARE = 0.8;

export const syncRetryUnbounded = defineRule({
  id: 'RTY010',
  name: 'sync-retry-unbounded',
  area: 'retries',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Synchronous retries that block the caller indefinitely', section: 'Retry Behavior › Retry Anti-Patterns' },
  docs: {
    summary: "A call of an `interactive` operation that retries with no `deadline`, or with a `deadline` at or above the calling operation's own `timeout`.",
    why: 'An interactive caller waits while its call retries: the knowledge contract names "Synchronous retries that block the caller indefinitely" an anti-pattern. A `deadline` bounds the attempts together; it must end before the caller\'s own timeout, or the caller gives up first and the retries go on for nobody. The caller\'s timeout is compared only where it is declared (a missing one is TMO004\'s).',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        interaction: interactive\n        timeout: 1s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 2s\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        interaction: interactive\n        timeout: 300ms\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        interaction: interactive\n        timeout: 1s\n        calls:\n          - to: catalog.get-price\n            timeout: 300ms\n            retry:\n              max_attempts: 3\n              backoff: exponential-jitter\n              retry_on: [502, 504, network]\n              budget: 10%\n              deadline: 800ms\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        interaction: interactive\n        timeout: 300ms\n',
    },
    fix: "Sets `deadline` to 80% of the caller's timeout (adding the key, or replacing a deadline that is too long). A safe fix: the retries then end before the caller gives up. Declines when the caller declares no valid `timeout`, and when the policy is an alias shared with other calls (`retry: *standard`), whose callers may differ; a deadline merged in from a `<<` mapping is overridden in the policy itself.",
  },
  on: 'retry',
  check(el, ctx) {
    const call = callOf(el);
    const caller = call && callerOf(call);
    if (!call || !caller || !retries(el) || str(caller, 'interaction') !== 'interactive') {
      return;
    }
    const op = caller.qualifiedName ?? caller.name ?? 'the caller';
    const deadline = el.fields.get('deadline');
    if (!deadline) {
      ctx.report({
        range: el.anchor,
        message: `\`${op}\` is interactive and its call to ${targetLabel(call)} retries with no \`deadline\`: the caller waits through every attempt`,
        related: [{ range: caller.fields.get('interaction')!.range, message: `\`${op}\` is interactive: a user waits for it` }],
      });
      return;
    }
    const d = durationMs(el, 'deadline');
    const t = durationMs(caller, 'timeout');
    if (d === undefined || t === undefined || d < t) {
      return;
    }
    ctx.report({
      range: deadline.range,
      message: `the retries of the call to ${targetLabel(call)} may go on for ${formatMs(d)}, ${d === t ? 'as long as' : 'longer than'} the ${formatMs(t)} timeout of \`${op}\`: the caller gives up before the retries stop`,
      related: [{ range: caller.fields.get('timeout')!.range, message: `\`${op}\` times out after ${formatMs(t)}` }],
    });
  },
  fixApplicability: 'safe',
  fix(ctx, finding) {
    const el = findElement(ctx, finding, 'retry');
    const call = el && callOf(el);
    const caller = call && callerOf(call);
    const t = durationMs(caller, 'timeout');
    if (!el || !caller || t === undefined || isAliased(ctx, el)) {
      return undefined;
    }
    const value = formatMs(Math.floor(t * DEADLINE_SHARE));
    return [{ title: `Set \`deadline: ${value}\`, under the caller's ${formatMs(t)} timeout`, edits: [setOwnKey(ctx, el, 'deadline', value)], preferred: true }];
  },
});
