// Offsets ↔ positions, in one place. Offsets are UTF-16 code units (JavaScript strings),
// which is also LSP's default encoding; SARIF and the CLI print them 1-based.
import type { Position, Range } from './types';
import { computeLineStarts, lineOf } from './lines';

export class LineMap {
  readonly lineStarts: number[];
  constructor(
    readonly text: string,
    lineStarts?: number[],
  ) {
    this.lineStarts = lineStarts ?? computeLineStarts(text);
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = lineOf(this.lineStarts, o);
    return { line, character: o - this.lineStarts[line] };
  }

  range(r: Range): { start: Position; end: Position } {
    return { start: this.position(r[0]), end: this.position(r[1]) };
  }

  offset(p: Position): number {
    if (p.line >= this.lineStarts.length) {
      return this.text.length;
    }
    const start = this.lineStarts[Math.max(0, p.line)];
    const next = p.line + 1 < this.lineStarts.length ? this.lineStarts[p.line + 1] : this.text.length;
    return Math.min(start + Math.max(0, p.character), next);
  }
}
