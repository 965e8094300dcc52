import { defineRule } from '../../rule';
import { callTarget } from '../../designIndex';
import { child, items } from '../../model';
import { RETRY_SYMBOLS } from '../../schema';
import { closest } from '../../text';

export const invalidValue = defineRule({
  id: 'DSN003',
  name: 'invalid-value',
  area: 'structure',
  severity: 'error',
  waivable: true,
  runsOnUnreadDesign: true,
  contract: { quote: 'Document timeout values in API contracts', section: 'Timeout vs Failure' },
  docs: {
    summary: 'A value of the wrong type, an unknown enum value, or a malformed duration or percentage.',
    why: 'A guarantee stated with a value the DSL does not know states nothing: `type: comand` is not a command, `timeout: 2` has no unit. Rules skip an invalid value rather than guess what it meant.',
    example: {
      bad: 'design: checkout\ndsl: 1\nservices:\n  - name: payments\n    operations:\n      - name: lookup\n        type: qurey\n        timeout: 2\n',
      good: 'design: checkout\ndsl: 1\nservices:\n  - name: payments\n    operations:\n      - name: lookup\n        type: query\n        timeout: 2s\n',
    },
    fix: 'Replaces the value with the closest allowed value (`qurey` → `query`, `2 seconds` → `2s`); a suggestion, since the author confirms the value. Declines when none is close.',
  },
  on: 'any',
  check(el, ctx) {
    if (el.kind === 'design') {
      for (const p of ctx.design.rootProblems) {
        ctx.report({ range: p.range, message: p.message });
      }
    }
    for (const p of el.problems) {
      if (p.type === 'invalid-value') {
        ctx.report({ range: p.range, message: p.message, data: p.suggestion !== undefined ? { suggestion: p.suggestion } : undefined });
      }
    }
    if (el.kind === 'retry' && el.parent?.kind === 'call') {
      // `retry_on` symbols: those of dsl.md, or a code the target lists as non-retryable.
      const t = callTarget(ctx.index, el.parent);
      if (t?.kind === 'unresolved') {
        return;
      }
      const own = t?.kind === 'operation' ? items(child(t.op, 'errors'), 'non_retryable').map((i) => String(i.value)) : [];
      for (const it of items(el, 'retry_on')) {
        if (typeof it.value === 'string' && !(it.value in RETRY_SYMBOLS) && !own.includes(it.value)) {
          const suggestion = closest(it.value, [...Object.keys(RETRY_SYMBOLS), ...own]);
          ctx.report({
            range: it.range,
            message:
              `\`${it.value}\` is not a \`retry_on\` value: use an HTTP status, one of ${Object.keys(RETRY_SYMBOLS).map((s) => '`' + s + '`').join(', ')}` +
              (own.length ? `, or a code of ${t?.kind === 'operation' ? t.name : 'the target'}'s \`errors.non_retryable\`` : '') +
              (suggestion ? `; did you mean \`${suggestion}\`?` : ''),
            data: suggestion ? { suggestion } : undefined,
          });
        }
      }
    }
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const s = finding.data?.suggestion;
    if (typeof s !== 'string') {
      return undefined;
    }
    const original = ctx.text.slice(finding.range[0], finding.range[1]);
    // A bare number given a unit is a guess at the author's intent: offered, never applied by --fix.
    const guess = /^\d+$/.test(original.trim());
    return [{ title: `Replace with \`${s}\``, edits: [ctx.edit.replaceText(finding.range, s)], preferred: !guess }];
  },
});
