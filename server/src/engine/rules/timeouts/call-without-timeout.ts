import { defineRule } from '../../rule';
import { callerOf, callTarget, elementOf } from '../../designIndex';
import { durationMs, str } from '../../model';
import { keysBefore } from '../../schema';
import { formatMs } from '../../text';

/** The timeouts the catalog proposes for a call, by the calling operation's interaction. */
const DEFAULT_MS = { interactive: 2_000, batch: 30_000 } as const;

export const callWithoutTimeout = defineRule({
  id: 'TMO001',
  name: 'call-without-timeout',
  area: 'timeouts',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Assuming network calls never fail', section: 'Anti-Patterns' },
  docs: {
    summary: 'An outbound call (a `calls` entry) without a `timeout`.',
    why: 'Every call crosses the network, and the knowledge contract lists "Assuming network calls never fail" first among its anti-patterns. A call without a timeout waits as long as the target hangs, and its caller with it. "Define timeout values per operation type (short for interactive, long for batch)".',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        interaction: interactive\n        timeout: 5s\n        calls:\n          - to: tax-service.quote\n            external: true\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: get-order\n        type: query\n        interaction: interactive\n        timeout: 5s\n        calls:\n          - to: tax-service.quote\n            external: true\n            timeout: 2s\n',
    },
    fix: 'Adds `timeout: 2s` to a call of an `interactive` operation and `timeout: 30s` to a call of a `batch` one, or, when the caller\'s own `timeout` is not above that, half the caller\'s timeout (so that the call does not outlast its caller, TMO006). When the caller declares no `interaction`, offers both values as a choice. Never applied by `--fix`: the right timeout depends on the target\'s latency, so the author confirms it.',
  },
  on: 'call',
  check(el, ctx) {
    if (el.fields.has('timeout')) {
      return;
    }
    const caller = callerOf(el);
    const from = caller ? caller.qualifiedName ?? caller.name : undefined;
    const to = callTarget(ctx.index, el)?.name;
    ctx.report({
      range: el.anchor,
      message: `the call${from ? ` from \`${from}\`` : ''}${to !== undefined ? ` to \`${to}\`` : ''} has no \`timeout\`: if the target hangs, the call waits for it, and so does its caller`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const call = elementOf(ctx.design.calls, finding);
    if (!call) {
      return undefined;
    }
    const caller = callerOf(call);
    const interaction = str(caller, 'interaction') as keyof typeof DEFAULT_MS | undefined;
    const callerMs = durationMs(caller, 'timeout');
    const proposals = (interaction ? [DEFAULT_MS[interaction]] : [DEFAULT_MS.interactive, DEFAULT_MS.batch]).map((ms) =>
      callerMs !== undefined && ms >= callerMs ? Math.floor(callerMs / 2) : ms,
    );
    const values = [...new Set(proposals.filter((ms) => ms >= 1).map(formatMs))];
    return values.map((v) => ({
      title: `Add \`timeout: ${v}\``,
      edits: [ctx.edit.insertKeyAfter(call, keysBefore('call', 'timeout'), 'timeout', v)],
      preferred: values.length === 1,
    }));
  },
});
