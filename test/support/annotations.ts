// Fixture annotations: a comment line under the offending line marks the exact columns
// of a finding with carets, then its rule id, its severity and, optionally, its message:
//
//         backoff: fixed
//   #              ^^^^^ RTY006 warning
//   #              ^^^^^ RTY006 warning: exact message text
//
// An annotation refers to the nearest line above it that is not itself an annotation.
// A `#` directly followed by carets counts as the first caret, so `#^^` marks columns 0-2.
// `^` alone with `(empty)` marks a zero-width range at that column.
import { LineMap } from '../../server/src/engine/positions';
import type { Finding } from '../../server/src/engine/types';

export interface Expectation {
  ruleId: string;
  severity: string;
  line: number;
  startCol: number;
  endCol: number;
  message?: string;
  /** The annotation's own line, for error messages. */
  at: number;
}

const ANNOTATION = /^(\s*#?\s*)(\^+)\s+([A-Z]{3}\d{3})\s+(error|warning|info)(\s+\(empty\))?(?::\s?(.*))?\s*$/;

/**
 * The rules a fixture's findings are compared for: `# check: RTY006, RTY001` on one of its
 * first three lines limits the comparison to those rules; without it, every rule counts.
 */
export function checkScope(text: string): Set<string> | undefined {
  const scope = /^#\s*check:\s*([A-Z0-9, ]+)$/m.exec(text.split(/\r?\n/).slice(0, 3).join('\n'));
  return scope ? new Set(scope[1].split(',').map((s) => s.trim())) : undefined;
}

export function isAnnotation(line: string): boolean {
  return /^\s*#/.test(line) && ANNOTATION.test(line.replace(/^(\s*)#\^/, '$1^^'));
}

export function parseAnnotations(text: string): Expectation[] {
  const lines = text.split(/\r?\n/);
  const out: Expectation[] = [];
  let target = -1;
  lines.forEach((line, i) => {
    const m = /^\s*#/.test(line) ? ANNOTATION.exec(line.replace(/^(\s*)#\^/, '$1^^')) : null;
    if (!m) {
      target = i;
      return;
    }
    const startCol = m[1].length;
    out.push({
      ruleId: m[3],
      severity: m[4],
      line: target,
      startCol,
      endCol: m[5] ? startCol : startCol + m[2].length,
      message: m[6],
      at: i,
    });
  });
  return out;
}

export interface Actual {
  ruleId: string;
  severity: string;
  line: number;
  startCol: number;
  endCol: number;
  message: string;
}

/** Findings as annotations compare them; a finding spanning lines is marked on its first line to its end. */
export function actuals(text: string, findings: Finding[]): Actual[] {
  const map = new LineMap(text);
  return findings.map((f) => {
    const s = map.position(f.range[0]);
    const e = map.position(f.range[1]);
    return {
      ruleId: f.ruleId,
      severity: f.severity,
      line: s.line,
      startCol: s.character,
      endCol: e.line === s.line ? e.character : -1,
      message: f.message,
    };
  });
}

export function describe(a: { ruleId: string; severity: string; line: number; startCol: number; endCol: number; message?: string }): string {
  return `${a.line + 1}:${a.startCol + 1}-${a.endCol === -1 ? 'next line' : a.endCol + 1} ${a.ruleId} ${a.severity}${a.message ? ': ' + a.message : ''}`;
}
