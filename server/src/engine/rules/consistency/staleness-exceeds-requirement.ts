import { Index, citedRequirements, elementOf } from '../../designIndex';
import { defineRule } from '../../rule';
import { named } from '../../text';
import { durationMs, Element, field, str } from '../../model';
import { strongRequired } from './eventual-where-strong-required';

/** The tightest `max_staleness` among the requirements a data element cites (invalid ones skipped). */
export function tightestStaleness(ix: Index, el: Element): { requirement: Element; ms: number; text: string } | undefined {
  let best: { requirement: Element; ms: number; text: string } | undefined;
  for (const r of citedRequirements(ix, el)) {
    const ms = durationMs(r, 'max_staleness');
    if (ms !== undefined && (!best || ms < best.ms)) {
      best = { requirement: r, ms, text: str(r, 'max_staleness')! };
    }
  }
  return best;
}

export const stalenessExceedsRequirement = defineRule({
  id: 'CNS003',
  name: 'staleness-exceeds-requirement',
  area: 'consistency',
  severity: 'error',
  waivable: true,
  contract: { quote: 'Reads may return stale data for a bounded period', section: 'Eventual Consistency' },
  docs: {
    summary: "A data element's `staleness_bound` is longer than the `max_staleness` of a requirement it cites.",
    why: 'With eventual consistency, "Reads may return stale data for a bounded period": the design must "Define acceptable staleness bounds per data type", and the bound the PRD accepts is the requirement\'s `max_staleness`. A store that may lag longer than that serves data the product has declared unacceptable.',
    example: {
      bad: 'design: shop\ndsl: 1\nrequirements:\n  - id: R4\n    text: Product pages may show prices up to 30 seconds old\n    consistency: eventual\n    max_staleness: 30s\ndata:\n  - name: price-cache\n    category: cache\n    consistency: eventual\n    staleness_bound: 5m\n    convergence: time-bound\n    stale_reads: entries carry a version\n    requirements: [R4]\n',
      good: 'design: shop\ndsl: 1\nrequirements:\n  - id: R4\n    text: Product pages may show prices up to 30 seconds old\n    consistency: eventual\n    max_staleness: 30s\ndata:\n  - name: price-cache\n    category: cache\n    consistency: eventual\n    staleness_bound: 30s\n    convergence: time-bound\n    stale_reads: entries carry a version\n    requirements: [R4]\n',
    },
    fix: "Sets `staleness_bound` to the tightest `max_staleness` of the cited requirements (the PRD's bound; a suggestion, since it changes a stated bound: `--fix` leaves it to the author).",
  },
  on: 'data',
  check(el, ctx) {
    // A strongly consistent store serves no stale reads; CNS001 reports eventual data that must be strong.
    if (str(el, 'consistency') === 'strong' || strongRequired(ctx.index, el)) {
      return;
    }
    const bound = durationMs(el, 'staleness_bound');
    const req = tightestStaleness(ctx.index, el);
    if (bound === undefined || !req || bound <= req.ms) {
      return;
    }
    ctx.report({
      range: field(el, 'staleness_bound')!.range,
      message: `${named('data', el.name)} may be stale for ${str(el, 'staleness_bound')}, longer than the ${req.text} requirement ${req.requirement.name} accepts`,
      related: [{ range: field(req.requirement, 'max_staleness')!.range, message: `requirement ${req.requirement.name} accepts data at most ${req.text} old` }],
      data: { bound: req.text },
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.data, finding);
    const f = field(el, 'staleness_bound');
    const bound = finding.data?.bound;
    if (!el || !f || typeof bound !== 'string') {
      return undefined;
    }
    return [{ title: `Set \`staleness_bound: ${bound}\``, edits: [ctx.edit.replaceScalar(f, bound)], preferred: true }];
  },
});
