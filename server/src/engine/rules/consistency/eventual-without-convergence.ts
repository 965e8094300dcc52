import { elementOf } from '../../designIndex';
import { defineRule } from '../../rule';
import { keysBefore } from '../../schema';
import { named } from '../../text';
import { durationMs, field, str } from '../../model';
import { eventualNotStrong } from './eventual-where-strong-required';

export const eventualWithoutConvergence = defineRule({
  id: 'CNS004',
  name: 'eventual-without-convergence',
  area: 'consistency',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Define convergence guarantees (time-bound, version-bound)', section: 'Eventual Consistency › Design implications' },
  docs: {
    summary: 'Eventually consistent data that does not say how its replicas converge.',
    why: 'Eventual consistency promises that "All replicas eventually converge"; the knowledge contract asks to "Define convergence guarantees (time-bound, version-bound)", so that "eventually" has a bound someone can monitor: within a time, or within a number of versions.',
    example: {
      bad: 'design: shop\ndsl: 1\ndata:\n  - name: price-cache\n    category: cache\n    consistency: eventual\n    staleness_bound: 30s\n    stale_reads: entries carry a version\n',
      good: 'design: shop\ndsl: 1\ndata:\n  - name: price-cache\n    category: cache\n    consistency: eventual\n    staleness_bound: 30s\n    convergence: time-bound\n    stale_reads: entries carry a version\n',
    },
    fix: 'Adds `convergence: time-bound` (preferred) or `convergence: version-bound`. Time-bound fits data that already declares a `staleness_bound`, which is a bound in time; either way the choice is the author\'s (a suggestion).',
  },
  on: 'data',
  check(el, ctx) {
    if (!eventualNotStrong(ctx.index, el) || el.fields.has('convergence')) {
      return;
    }
    ctx.report({
      range: field(el, 'consistency')!.range,
      message: `${named('data', el.name)} is eventually consistent but does not say how its replicas converge (\`convergence: time-bound\` or \`version-bound\`)`,
      data: { timeBound: durationMs(el, 'staleness_bound') !== undefined ? str(el, 'staleness_bound') : undefined },
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.data, finding);
    if (!el) {
      return undefined;
    }
    const bound = finding.data?.timeBound;
    return [
      {
        title: 'Add `convergence: time-bound`' + (typeof bound === 'string' ? ` (within the ${bound} staleness bound)` : ''),
        edits: [ctx.edit.insertKeyAfter(el, keysBefore('data', 'convergence'), 'convergence', 'time-bound')],
        preferred: true,
      },
      { title: 'Add `convergence: version-bound`', edits: [ctx.edit.insertKeyAfter(el, keysBefore('data', 'convergence'), 'convergence', 'version-bound')] },
    ];
  },
});
