import { defineRule } from '../../rule';

export const unknownKey = defineRule({
  id: 'DSN002',
  name: 'unknown-key',
  area: 'structure',
  severity: 'warning',
  waivable: true,
  tags: ['unnecessary'],
  contract: { quote: 'State the guarantee clearly', section: 'Ordering Guarantees' },
  docs: {
    summary: 'A key the DSL does not define at that place.',
    why: 'An unknown key is invisible to every rule: `timout: 2s` does not count as `timeout`, so the guarantee it meant to state is not stated, and the rules that read it report as if it were missing.',
    example: {
      bad: 'design: checkout\ndsl: 1\nservices:\n  - name: payments\n    operations:\n      - name: charge\n        type: query\n        timout: 2s\n',
      good: 'design: checkout\ndsl: 1\nservices:\n  - name: payments\n    operations:\n      - name: charge\n        type: query\n        timeout: 2s\n',
    },
    fix: 'Renames the key to the closest key the DSL defines at that place ("did you mean"): a suggestion, since the renamed key changes what other rules see. Declines when no key is close.',
  },
  on: 'any',
  check(el, ctx) {
    for (const p of el.problems) {
      if (p.type === 'unknown-key') {
        ctx.report({ range: p.range, message: p.message, data: p.suggestion ? { suggestion: p.suggestion } : undefined });
      }
    }
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const s = finding.data?.suggestion;
    if (typeof s !== 'string') {
      return undefined;
    }
    return [{ title: `Rename to \`${s}\``, edits: [{ range: finding.range, newText: s }], preferred: true }];
  },
});
