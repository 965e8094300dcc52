import { Index, citedRequirements, elementOf } from '../../designIndex';
import { defineRule } from '../../rule';
import { named } from '../../text';
import { Element, field, str } from '../../model';
import type { Related } from '../../types';

/** Categories the knowledge contract names under "When NOT to use" eventual consistency. */
export const STRONG_CATEGORIES: Record<string, string> = {
  'financial-balance': 'a financial balance, where immediate consistency is required',
  'inventory-count': 'an inventory count, where overselling is unacceptable',
  authorization: 'authorization data, where stale permissions are harmful',
};

/**
 * Why a data element must be strongly consistent, or undefined when nothing in the design
 * says so: its category, or a cited requirement with `consistency: strong`. CNS002–CNS005
 * stay silent where this holds, since CNS001's fix (strong consistency) makes them moot.
 */
export function strongRequired(ix: Index, el: Element): { reasons: string[]; related: Related[] } | undefined {
  const reasons: string[] = [];
  const related: Related[] = [];
  const category = str(el, 'category');
  if (category !== undefined && STRONG_CATEGORIES[category]) {
    reasons.push(`it is ${STRONG_CATEGORIES[category]}`);
    related.push({ range: field(el, 'category')!.range, message: `category \`${category}\`: eventual consistency must not be used` });
  }
  for (const r of citedRequirements(ix, el)) {
    if (str(r, 'consistency') === 'strong') {
      reasons.push(`it cites requirement ${r.name}, which requires strong consistency`);
      related.push({ range: field(r, 'consistency')!.range, message: `requirement ${r.name} requires strong consistency` });
    }
  }
  return reasons.length ? { reasons, related } : undefined;
}

/** Data whose value of `consistency` is `eventual`, and whom CNS001 does not already report. */
export function eventualNotStrong(ix: Index, el: Element): boolean {
  return str(el, 'consistency') === 'eventual' && !strongRequired(ix, el);
}

export const eventualWhereStrongRequired = defineRule({
  id: 'CNS001',
  name: 'eventual-where-strong-required',
  area: 'consistency',
  severity: 'error',
  waivable: true,
  contract: { quote: 'When NOT to use', section: 'Eventual Consistency' },
  docs: {
    summary: 'Data declared `consistency: eventual` although it is a financial balance, an inventory count, authorization data, or cites a requirement with `consistency: strong`.',
    why: 'The knowledge contract lists when NOT to use eventual consistency: "Financial balances where immediate consistency is required", "Inventory counts where overselling is unacceptable", "Authorization decisions where stale permissions are harmful", and "Any scenario the PRD marks as requiring strong consistency". An eventually consistent balance lets two reads both see money that is spent once; a stale stock count oversells. Among the anti-patterns: "Using eventual consistency when the PRD requires strong consistency".',
    example: {
      bad: 'design: wallet\ndsl: 1\ndata:\n  - name: account-balance\n    category: financial-balance\n    consistency: eventual\n    staleness_bound: 5s\n',
      good: 'design: wallet\ndsl: 1\ndata:\n  - name: account-balance\n    category: financial-balance\n    consistency: strong\n',
    },
    fix: 'Replaces `eventual` with `strong` (the one answer the category or the PRD leaves, yet a suggestion: it changes a stated decision, so `--fix` leaves it to the author). Keys that only eventual consistency uses (`staleness_bound`, `convergence`, `stale_reads`) are left for the author to remove.',
  },
  on: 'data',
  check(el, ctx) {
    if (str(el, 'consistency') !== 'eventual') {
      return;
    }
    const why = strongRequired(ctx.index, el);
    if (!why) {
      return;
    }
    ctx.report({
      range: field(el, 'consistency')!.range,
      message: `${named('data', el.name)} is eventually consistent, but ${why.reasons.join(', and ')}`,
      related: why.related,
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.data, finding);
    const f = field(el, 'consistency');
    if (!el || !f) {
      return undefined;
    }
    return [{ title: 'Use `consistency: strong`', edits: [ctx.edit.replaceScalar(f, 'strong')], preferred: true }];
  },
});
