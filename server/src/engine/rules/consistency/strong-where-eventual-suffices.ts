import { citedRequirements, elementOf } from '../../designIndex';
import { defineRule } from '../../rule';
import { named } from '../../text';
import { field, str } from '../../model';

/** Categories the knowledge contract names under "When to use" eventual consistency. */
export const EVENTUAL_CATEGORIES: Record<string, string> = {
  cache: 'a cache',
  'read-replica': 'a read replica',
  catalog: 'catalog data',
  analytics: 'analytics data',
};

export const strongWhereEventualSuffices = defineRule({
  id: 'CNS006',
  name: 'strong-where-eventual-suffices',
  area: 'consistency',
  severity: 'info',
  waivable: true,
  contract: { quote: 'Using strong consistency when eventual consistency would suffice', section: 'Anti-Patterns' },
  docs: {
    summary: 'A cache, read replica, catalog or analytics store declared `consistency: strong` while no requirement it cites asks for strong consistency.',
    why: 'The knowledge contract lists "Read replicas and caching" and "High-write, low-latency-requirement scenarios" among the uses of eventual consistency, and "Using strong consistency when eventual consistency would suffice" among the anti-patterns: strong consistency on such data pays coordination and latency for a guarantee nobody asked for.',
    example: {
      bad: 'design: shop\ndsl: 1\ndata:\n  - name: price-cache\n    category: cache\n    consistency: strong\n',
      good: 'design: shop\ndsl: 1\ndata:\n  - name: price-cache\n    category: cache\n    consistency: eventual\n    staleness_bound: 30s\n    convergence: time-bound\n    stale_reads: entries carry a version\n',
    },
    fix: 'Replaces `strong` with `eventual` (an unsafe fix: it changes the guarantee, and the data then needs a staleness bound, a convergence guarantee and a stale-read strategy).',
  },
  on: 'data',
  check(el, ctx) {
    const category = str(el, 'category');
    if (str(el, 'consistency') !== 'strong' || category === undefined || !EVENTUAL_CATEGORIES[category]) {
      return;
    }
    for (const r of citedRequirements(ctx.index, el)) {
      const c = field(r, 'consistency');
      // A strong requirement justifies it; an invalid value might be one, so the rule stays silent.
      if (c && (!c.valid || str(r, 'consistency') === 'strong')) {
        return;
      }
    }
    ctx.report({
      range: field(el, 'consistency')!.range,
      message: `${named('data', el.name)} is ${EVENTUAL_CATEGORIES[category]} declared strongly consistent, while no requirement it cites asks for strong consistency`,
      related: [{ range: field(el, 'category')!.range, message: `category \`${category}\`: eventual consistency usually suffices` }],
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.data, finding);
    const f = field(el, 'consistency');
    if (!el || !f) {
      return undefined;
    }
    return [{ title: 'Use `consistency: eventual`', edits: [ctx.edit.replaceScalar(f, 'eventual')], preferred: true }];
  },
});
