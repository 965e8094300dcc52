import { defineRule } from '../../rule';
import { keySpec } from '../../schema';
import type { Finding } from '../../types';

export const missingRequired = defineRule({
  id: 'DSN006',
  name: 'missing-required',
  area: 'structure',
  severity: 'error',
  waivable: true,
  contract: { quote: 'State the guarantee clearly', section: 'Ordering Guarantees' },
  docs: {
    summary: 'A required key is missing: `design` and `dsl` at the top; the `name`, `id`, `text`, `to`, `operation`, `service`, `when` or `rule` of a list item.',
    why: 'Elements are found and referred to by their identifying key; without it an element cannot be cited, waived or checked against the others.',
    example: {
      bad: 'design: checkout\nservices:\n  - operations: []\n',
      good: 'design: checkout\ndsl: 1\nservices:\n  - name: payments\n    operations: []\n',
    },
    fix: 'Inserts `dsl: 1`, the one version there is (a safe fix), or the key with a placeholder to fill in (a suggestion: `--fix` leaves it to the author).',
  },
  on: 'any',
  check(el, ctx) {
    // Keys missing from one mapping land at one place: one finding names them all.
    const missing = el.problems.filter((p) => p.type === 'missing-required');
    if (missing.length === 1) {
      ctx.report({ range: missing[0].range, message: missing[0].message, data: { key: missing[0].key } });
    } else if (missing.length > 1) {
      const keys = missing.map((p) => p.key as string);
      ctx.report({
        range: missing[0].range,
        message: `${el.kind === 'design' ? 'the design' : `this ${el.kind}`} needs ${keys.map((k) => '`' + k + '`').join(' and ')}`,
        data: { keys },
      });
    }
  },
  // `dsl: 1` is the one version there is (safe); any other key gets a placeholder the
  // author must replace (a suggestion).
  fixApplicability: (_ctx, finding) => (missingKeys(finding).join() === 'dsl' ? 'safe' : 'suggestion'),
  fix(ctx, finding) {
    const keys = missingKeys(finding);
    const el = ctx.design.all.find((e) => e.path === finding.path) ?? ctx.design.root;
    if (!el || !keys.length) {
      return undefined;
    }
    const values = keys.map((key) => [key, key === 'dsl' ? 1 : (keySpec(el.kind, key)?.placeholder ?? 'TODO')] as const);
    const title = 'Add ' + values.map(([k, v]) => `\`${k}: ${String(v)}\``).join(' and ');
    // Inserted first, in schema order, as one edit: `design` then `dsl` at the top of the file.
    const edits = [...values].reverse().map(([k, v]) => ctx.edit.insertKeyFirst(el, k, v));
    const merged = { range: edits[0].range, newText: edits.map((e) => e.newText).reverse().join('') };
    return [{ title, edits: [merged], preferred: true }];
  },
});

/** The keys a finding says are missing. */
function missingKeys(finding: Finding): string[] {
  return (finding.data?.keys as string[] | undefined) ?? (typeof finding.data?.key === 'string' ? [finding.data.key] : []);
}
