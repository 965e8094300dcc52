import { defineRule, Settings } from '../../rule';
import type { Finding, Severity } from '../../types';

export const yamlSyntax = defineRule({
  id: 'DSN001',
  name: 'yaml-syntax',
  area: 'structure',
  severity: 'error',
  waivable: false,
  runsOnUnreadDesign: true,
  reportsInsideSyntaxErrors: true,
  contract: { quote: 'State the guarantee clearly', section: 'Ordering Guarantees' },
  docs: {
    summary: 'The file is not valid YAML: a syntax error, a duplicate key, several documents, or an alias that expands past the limit.',
    why: 'A design the tool cannot read cannot be reviewed: every guarantee must be stated clearly before it can be checked. Inside the list item around a syntax error no other rule reports, since what the parser recovered there is a guess; the rest of the file is reviewed as usual.',
    example: {
      bad: 'design: checkout\ndsl: 1\nservices:\n  - name: payments\n    name: billing   # duplicate key\n',
      good: 'design: checkout\ndsl: 1\nservices:\n  - name: payments\n  - name: billing\n',
    },
    fix: 'None: the error says what the parser expected, at the line and column where it stopped.',
  },
  on: 'design',
  check(_el, ctx) {
    for (const p of ctx.design.parsed.problems) {
      ctx.report({ range: p.range, message: p.message, data: { code: p.code } });
    }
  },
});

/**
 * The one finding of a text that was not analysed (over limits.maxFileSize, or the
 * analysis failed), at its start: `not analysed: <reason>`. Its severity is the rule's
 * setting, but never `off`: a design nobody reviewed must not look clean.
 */
export function notAnalysedFinding(reason: string, settings?: Settings): Finding {
  const set = settings?.severity[yamlSyntax.id];
  const severity: Severity = set && set !== 'off' ? set : yamlSyntax.severity;
  return { ruleId: yamlSyntax.id, severity, range: [0, 0], message: `not analysed: ${reason}`, path: '' };
}

/** The finding that stands for the `rest` findings past limits.maxFindings (`max`). */
export function moreFindingsFinding(rest: number, max: number): Finding {
  return { ruleId: yamlSyntax.id, severity: 'info', range: [0, 0], message: `${rest} more findings are not shown (setting limits.maxFindings is ${max})`, path: '' };
}
