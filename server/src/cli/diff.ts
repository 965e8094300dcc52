// A unified diff of two texts, line by line, for `ddr lint --fix-dry-run`. Fixes touch a
// few lines, so the common head and tail are cut first and only the middle is compared
// (an LCS table, bounded; past the bound the middle is shown as one replacement).

import { visible } from './format/escape';

const CONTEXT = 3;
const MAX_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; line: string };

/** Lines with their terminators kept, so that a missing final newline is visible. */
function splitLines(text: string): string[] {
  const out = text.match(/[^\n]*\n|[^\n]+$/g);
  return out ?? [];
}

function middleOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS) {
    return [...a.map((line): Op => ({ kind: '-', line })), ...b.map((line): Op => ({ kind: '+', line }))];
  }
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i] });
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
      // Deletions before insertions, as diff(1) prints them.
      ops.push({ kind: '-', line: a[i++] });
    } else {
      ops.push({ kind: '+', line: b[j++] });
    }
  }
  return ops;
}

export function diffOps(before: string, after: string): Op[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    head++;
  }
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
    tail++;
  }
  return [
    ...a.slice(0, head).map((line): Op => ({ kind: ' ', line })),
    ...middleOps(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...a.slice(a.length - tail).map((line): Op => ({ kind: ' ', line })),
  ];
}

/** A diff line; a design's control characters shown as escapes (tabs and the newline kept). */
function render(op: Op): string {
  if (op.line.endsWith('\n')) {
    return op.kind + visible(op.line, '\t\n');
  }
  return op.kind + visible(op.line, '\t') + '\n\\ No newline at end of file\n';
}

/** `--- a/file` / `+++ b/file` and hunks with three lines of context; '' when equal. */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) {
    return '';
  }
  const ops = diffOps(before, after);
  const changed = ops.map((o, i) => (o.kind !== ' ' ? i : -1)).filter((i) => i >= 0);
  const hunks: Array<[number, number]> = [];
  for (const i of changed) {
    const start = Math.max(0, i - CONTEXT);
    const end = Math.min(ops.length, i + CONTEXT + 1);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      hunks.push([start, end]);
    }
  }
  // Line numbers at each op: how many lines of each side come before it.
  const aLine: number[] = [];
  const bLine: number[] = [];
  let ai = 0;
  let bi = 0;
  for (const o of ops) {
    aLine.push(ai);
    bLine.push(bi);
    if (o.kind !== '+') {
      ai++;
    }
    if (o.kind !== '-') {
      bi++;
    }
  }
  const name = visible(file);
  let out = `--- a/${name}\n+++ b/${name}\n`;
  for (const [s, e] of hunks) {
    const slice = ops.slice(s, e);
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    // diff(1): an empty side is numbered by the line before it.
    const aStart = aCount ? aLine[s] + 1 : aLine[s];
    const bStart = bCount ? bLine[s] + 1 : bLine[s];
    out += `@@ -${aStart}${aCount === 1 ? '' : ',' + aCount} +${bStart}${bCount === 1 ? '' : ',' + bCount} @@\n`;
    out += slice.map(render).join('');
  }
  return out;
}
