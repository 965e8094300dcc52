// What every output format receives: the findings of each file, with positions already
// converted once (1-based lines and columns, in UTF-16 code units).
import type { Analysis } from '../../engine/analyze';
import type { Finding, Position, Range } from '../../engine/types';

/** Offsets to positions: a LineMap of the text, or the positions the cache kept for it. */
export interface Locator {
  position(offset: number): Position;
}

export interface Located {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface FileResult {
  /** As printed: relative to cwd, `/`-separated. */
  file: string;
  findings: Finding[];
  /** Findings a waiver accepted (SARIF lists them with a suppression). */
  waived: Analysis['waived'];
  map: Locator;
}

export function locate(map: Locator, r: Range): Located {
  const s = map.position(r[0]);
  const e = map.position(r[1]);
  return { line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

export interface Counts {
  error: number;
  warning: number;
  info: number;
}

export function count(results: FileResult[]): Counts {
  const c: Counts = { error: 0, warning: 0, info: 0 };
  for (const r of results) {
    for (const f of r.findings) {
      c[f.severity]++;
    }
  }
  return c;
}
