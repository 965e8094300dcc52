import { citedRequirements, elementOf } from '../../designIndex';
import { defineRule } from '../../rule';
import { keysBefore } from '../../schema';
import { named } from '../../text';
import { str } from '../../model';
import type { FixProposal } from '../../types';
import { strongRequired } from './eventual-where-strong-required';
import { EVENTUAL_CATEGORIES } from './strong-where-eventual-suffices';

export const consistencyUndeclared = defineRule({
  id: 'CNS007',
  name: 'consistency-undeclared',
  area: 'consistency',
  severity: 'warning',
  waivable: true,
  contract: { quote: 'Document which data is eventually consistent and which is strongly consistent', section: 'Eventual Consistency › Design implications' },
  docs: {
    summary: 'Data that does not declare whether it is strongly or eventually consistent.',
    why: 'The knowledge contract asks to "Document which data is eventually consistent and which is strongly consistent": readers of undeclared data cannot tell whether the answer they get is the latest write or a stale copy, and the other consistency rules cannot check it.',
    example: {
      bad: 'design: wallet\ndsl: 1\ndata:\n  - name: account-balance\n    category: financial-balance\n',
      good: 'design: wallet\ndsl: 1\ndata:\n  - name: account-balance\n    category: financial-balance\n    consistency: strong\n',
    },
    fix: 'Adds `consistency: strong` as the one answer when the category or a cited requirement demands strong consistency; otherwise offers `strong` and `eventual` as a choice (eventual first for caches, read replicas, catalog and analytics data, or when a cited requirement accepts eventual consistency), which `--fix` leaves to the author.',
  },
  on: 'data',
  check(el, ctx) {
    if (el.fields.has('consistency')) {
      return;
    }
    const category = str(el, 'category');
    ctx.report({
      range: el.anchor,
      message:
        named('data', el.name) + (category !== undefined ? ` (category \`${category}\`)` : '') + ' does not declare its consistency: strong or eventual',
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const el = elementOf(ctx.design.data, finding);
    if (!el) {
      return undefined;
    }
    const strong: FixProposal = { title: 'Declare `consistency: strong`', edits: [ctx.edit.insertKeyAfter(el, keysBefore('data', 'consistency'), 'consistency', 'strong')] };
    const eventual: FixProposal = { title: 'Declare `consistency: eventual`', edits: [ctx.edit.insertKeyAfter(el, keysBefore('data', 'consistency'), 'consistency', 'eventual')] };
    if (strongRequired(ctx.index, el)) {
      return [{ ...strong, preferred: true }];
    }
    const category = str(el, 'category');
    const eventualFirst =
      (category !== undefined && !!EVENTUAL_CATEGORIES[category]) || citedRequirements(ctx.index, el).some((r) => str(r, 'consistency') === 'eventual');
    return eventualFirst ? [eventual, strong] : [strong, eventual];
  },
});
