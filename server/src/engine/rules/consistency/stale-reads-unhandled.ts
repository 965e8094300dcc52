import { defineRule } from '../../rule';
import { named } from '../../text';
import { field } from '../../model';
import { eventualNotStrong } from './eventual-where-strong-required';

export const staleReadsUnhandled = defineRule({
  id: 'CNS005',
  name: 'stale-reads-unhandled',
  area: 'consistency',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Define how consumers detect and handle stale data', section: 'Eventual Consistency › Design implications' },
  docs: {
    summary: 'Eventually consistent data that does not say how readers detect and handle stale data.',
    why: 'With eventual consistency, "Reads may return stale data for a bounded period". The knowledge contract asks to "Define how consumers detect and handle stale data": a version or timestamp to compare, a re-read from the source of truth before a decision, or a statement that stale answers are acceptable.',
    example: {
      bad: 'design: shop\ndsl: 1\ndata:\n  - name: price-cache\n    category: cache\n    consistency: eventual\n    staleness_bound: 30s\n    convergence: time-bound\n',
      good: 'design: shop\ndsl: 1\ndata:\n  - name: price-cache\n    category: cache\n    consistency: eventual\n    staleness_bound: 30s\n    convergence: time-bound\n    stale_reads: entries carry a version; checkout re-reads the price from the catalog\n',
    },
    fix: 'None: how readers handle stale data is the author\'s to describe in `stale_reads`.',
  },
  on: 'data',
  check(el, ctx) {
    if (!eventualNotStrong(ctx.index, el) || el.fields.has('stale_reads')) {
      return;
    }
    ctx.report({
      range: field(el, 'consistency')!.range,
      message: `${named('data', el.name)} is eventually consistent but does not say how readers detect and handle stale data (\`stale_reads\`)`,
    });
  },
});
