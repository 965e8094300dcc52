// An array of `{file, findings}`: every linted file, including those without findings,
// so that a consumer can tell "clean" from "not linted".
import { RULES_BY_ID } from '../../engine/registry';
import { jsonText } from './escape';
import { FileResult, locate } from './types';

export function formatJson(results: FileResult[]): string {
  const out = results.map((r) => ({
    file: r.file,
    findings: r.findings.map((f) => {
      const at = locate(r.map, f.range);
      return {
        ruleId: f.ruleId,
        ruleName: RULES_BY_ID.get(f.ruleId)?.name ?? null,
        severity: f.severity,
        message: f.message,
        line: at.line,
        column: at.column,
        endLine: at.endLine,
        endColumn: at.endColumn,
        related: (f.related ?? []).map((x) => ({ message: x.message, ...locate(r.map, x.range) })),
        fixable: !!f.fixable,
      };
    }),
  }));
  // jsonText: no control character raw, even those JSON.stringify leaves (C1, bidi).
  return jsonText(JSON.stringify(out, null, 2)) + '\n';
}
