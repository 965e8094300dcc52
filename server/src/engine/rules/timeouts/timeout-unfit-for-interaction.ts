import { defineRule } from '../../rule';
import { durationMs, Operation, str } from '../../model';
import { formatMs } from '../../text';

export const timeoutUnfitForInteraction = defineRule({
  id: 'TMO005',
  name: 'timeout-unfit-for-interaction',
  area: 'timeouts',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Define timeout values per operation type (short for interactive, long for batch)', section: 'Timeout vs Failure › Design implications' },
  docs: {
    summary: 'An `interactive` operation whose `timeout` is above 10s, or a `batch` operation whose `timeout` is below 1s (settings `interactiveTimeoutMaxMs` and `batchTimeoutMinMs`).',
    why: '"Define timeout values per operation type (short for interactive, long for batch)". Someone waits for an interactive operation: a long timeout holds the user, and every caller up the chain, long after they have given up. Nobody waits for a batch operation: a short timeout cuts off work that is merely slow, and "The operation may have succeeded; you just do not know".',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place-order\n        type: query\n        interaction: interactive\n        timeout: 30s\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place-order\n        type: query\n        interaction: interactive\n        timeout: 5s\n',
    },
    fix: 'None: the right value depends on what the operation does; change `timeout` (or `interaction`) by hand, or raise the threshold in the settings.',
  },
  on: 'operation',
  check(el, ctx) {
    const interaction = str(el, 'interaction');
    const ms = durationMs(el, 'timeout');
    if (ms === undefined || (interaction !== 'interactive' && interaction !== 'batch')) {
      return;
    }
    const op = el as Operation;
    const name = op.qualifiedName ?? op.name ?? '?';
    const timeout = el.fields.get('timeout')!;
    const related = [{ range: el.fields.get('interaction')!.range, message: `\`${name}\` is declared ${interaction}` }];
    const { interactiveTimeoutMaxMs: max, batchTimeoutMinMs: min } = ctx.settings;
    if (interaction === 'interactive' && ms > max) {
      ctx.report({
        range: timeout.range,
        message: `interactive operation \`${name}\` has a ${formatMs(ms)} timeout, above the ${formatMs(max)} that fits an interactive caller (setting interactiveTimeoutMaxMs)`,
        related,
      });
    } else if (interaction === 'batch' && ms < min) {
      ctx.report({
        range: timeout.range,
        message: `batch operation \`${name}\` has a ${formatMs(ms)} timeout, below the ${formatMs(min)} a batch operation needs (setting batchTimeoutMinMs)`,
        related,
      });
    }
  },
});
