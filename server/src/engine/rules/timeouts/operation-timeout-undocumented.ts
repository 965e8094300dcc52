import { defineRule } from '../../rule';
import { child, durationMs, Operation, str } from '../../model';
import { elementOf } from '../../designIndex';
import { keysBefore } from '../../schema';
import { formatMs } from '../../text';

/** The timeouts the catalog proposes, by interaction. */
const DEFAULT_MS = { interactive: 2_000, batch: 30_000 } as const;

/** Round values a proposed timeout is taken from, when the default does not fit. */
const LADDER_MS = [1, 2, 3, 5, 10, 15, 30].map((s) => s * 1000).concat([1, 2, 5, 10, 15, 30].map((m) => m * 60_000), [1, 2, 6, 12, 24].map((h) => h * 3_600_000));

export const operationTimeoutUndocumented = defineRule({
  id: 'TMO004',
  name: 'operation-timeout-undocumented',
  area: 'timeouts',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Document timeout values in API contracts', section: 'Timeout vs Failure › Design implications' },
  docs: {
    summary: 'An operation without a `timeout`: its API contract does not say how long a caller may have to wait.',
    why: '"Document timeout values in API contracts": a caller chooses its own timeout, its retries and its retry deadline against the operation\'s, and cannot when none is written down. "Define timeout values per operation type (short for interactive, long for batch)". "Assuming network calls never fail" is the first anti-pattern of the knowledge contract.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        interaction: interactive\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: catalog\n    operations:\n      - name: get-price\n        type: query\n        interaction: interactive\n        timeout: 2s\n',
    },
    fix: 'Adds `timeout: 2s` to an `interactive` operation and `timeout: 30s` to a `batch` one; when the operation\'s own calls may wait that long or longer (their `timeout` or retry `deadline`), the next round value above them. Declines when that value would be too long for an interactive operation (TMO005). Without `interaction`, offers both values as a choice. Never applied by `--fix`: the value is part of the API contract, so the author confirms it.',
  },
  on: 'operation',
  check(el, ctx) {
    if (el.fields.has('timeout')) {
      return;
    }
    const op = el as Operation;
    const interaction = str(el, 'interaction');
    ctx.report({
      range: el.anchor,
      message: `${interaction ? interaction + ' ' : ''}operation \`${op.qualifiedName ?? op.name ?? '?'}\` documents no \`timeout\`: its callers cannot set their own timeouts and retry deadlines below it`,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const op = elementOf(ctx.design.operations, finding);
    if (!op) {
      return undefined;
    }
    // The operation's own calls must time out before it does (TMO006, RTY010).
    let longestCallMs = 0;
    for (const call of op.calls) {
      longestCallMs = Math.max(longestCallMs, durationMs(call, 'timeout') ?? 0, durationMs(child(call, 'retry'), 'deadline') ?? 0);
    }
    const { interactiveTimeoutMaxMs: max, batchTimeoutMinMs: min } = ctx.settings;
    const fits = (ms: number, kind: 'interactive' | 'batch') => ms > longestCallMs && (kind === 'interactive' ? ms <= max : ms >= min);
    const propose = (kind: 'interactive' | 'batch'): number | undefined =>
      fits(DEFAULT_MS[kind], kind) ? DEFAULT_MS[kind] : LADDER_MS.find((ms) => fits(ms, kind));
    const interaction = str(op, 'interaction');
    const kinds: Array<'interactive' | 'batch'> = interaction === 'interactive' || interaction === 'batch' ? [interaction] : ['interactive', 'batch'];
    const out = [];
    for (const kind of kinds) {
      const ms = propose(kind);
      if (ms === undefined) {
        continue;
      }
      const v = formatMs(ms);
      out.push({
        title: interaction ? `Add \`timeout: ${v}\`` : `Add \`timeout: ${v}\` (${kind === 'interactive' ? 'an interactive' : 'a batch'} operation)`,
        edits: [ctx.edit.insertKeyAfter(op, keysBefore('operation', 'timeout'), 'timeout', v)],
        preferred: kinds.length === 1,
      });
    }
    return out;
  },
});
