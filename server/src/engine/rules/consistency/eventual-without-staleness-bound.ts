import { elementOf } from '../../designIndex';
import { defineRule } from '../../rule';
import { keysBefore } from '../../schema';
import { named } from '../../text';
import { field } from '../../model';
import { eventualNotStrong } from './eventual-where-strong-required';
import { tightestStaleness } from './staleness-exceeds-requirement';

export const eventualWithoutStalenessBound = defineRule({
  id: 'CNS002',
  name: 'eventual-without-staleness-bound',
  area: 'consistency',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Define acceptable staleness bounds per data type', section: 'Eventual Consistency › Design implications' },
  docs: {
    summary: 'Eventually consistent data with no `staleness_bound`.',
    why: 'Eventual consistency means "Reads may return stale data for a bounded period": the bound is what makes it a design rather than a hope. The knowledge contract asks to "Define acceptable staleness bounds per data type", so that readers know how old an answer can be and the PRD\'s `max_staleness` can be checked against it.',
    example: {
      bad: 'design: shop\ndsl: 1\ndata:\n  - name: price-cache\n    category: cache\n    consistency: eventual\n    convergence: time-bound\n    stale_reads: entries carry a version\n',
      good: 'design: shop\ndsl: 1\ndata:\n  - name: price-cache\n    category: cache\n    consistency: eventual\n    staleness_bound: 30s\n    convergence: time-bound\n    stale_reads: entries carry a version\n',
    },
    fix: "Adds `staleness_bound:` with the tightest `max_staleness` of the cited requirements; without one, adds `staleness_bound: 5s` as a placeholder to adjust. A suggestion either way: `--fix` leaves the bound to the author.",
  },
  on: 'data',
  check(el, ctx) {
    if (!eventualNotStrong(ctx.index, el) || el.fields.has('staleness_bound')) {
      return;
    }
    const req = tightestStaleness(ctx.index, el);
    ctx.report({
      range: field(el, 'consistency')!.range,
      message:
        `${named('data', el.name)} is eventually consistent with no \`staleness_bound\`: readers cannot tell how stale it may be` +
        (req ? ` (requirement ${req.requirement.name} accepts at most ${req.text})` : ''),
      data: req ? { bound: req.text, requirement: req.requirement.name } : undefined,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.data, finding);
    if (!el) {
      return undefined;
    }
    const bound = finding.data?.bound;
    if (typeof bound === 'string') {
      return [{ title: `Add \`staleness_bound: ${bound}\` (requirement ${String(finding.data?.requirement)})`, edits: [ctx.edit.insertKeyAfter(el, keysBefore('data', 'staleness_bound'), 'staleness_bound', bound)], preferred: true }];
    }
    return [{ title: 'Add `staleness_bound: 5s`', edits: [ctx.edit.insertKeyAfter(el, keysBefore('data', 'staleness_bound'), 'staleness_bound', '5s')], preferred: true }];
  },
});
