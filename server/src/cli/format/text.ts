// `file:line:col  severity  RULEID  message`, one line per finding, then a summary line —
// the shape of ruff's and ESLint's compact output, which editors and terminals link.
import { plural } from '../../engine/text';
import { visible } from './escape';
import { count, FileResult, locate } from './types';

export interface TextOptions {
  color: boolean;
}

const SGR = { red: '31', yellow: '33', blue: '34', dim: '2', bold: '1' };

function paint(on: boolean, code: string, s: string): string {
  return on ? `\u001b[${code}m${s}\u001b[0m` : s;
}

const SEVERITY_COLOR = { error: SGR.red, warning: SGR.yellow, info: SGR.blue } as const;

export function formatText(results: FileResult[], opts: TextOptions): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const at = locate(r.map, f.range);
      lines.push(
        [
          // The file's name, the rule id and the message may come from a design, its file
          // name or a cache: their control characters are shown, never sent to the terminal.
          paint(opts.color, SGR.bold, `${visible(r.file)}:${at.line}:${at.column}`),
          paint(opts.color, SEVERITY_COLOR[f.severity], f.severity),
          paint(opts.color, SGR.dim, visible(f.ruleId)),
          visible(oneLine(f.message)),
        ].join('  '),
      );
    }
  }
  lines.push(summary(results));
  return lines.join('\n') + '\n';
}

export function summary(results: FileResult[]): string {
  const c = count(results);
  const files = plural(results.length, 'file');
  if (c.error + c.warning + c.info === 0) {
    return `no findings in ${files}`;
  }
  return `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.info, 'info')} in ${files}`;
}

/** A message on one line: a terminal line per finding is what tools parse. */
export function oneLine(s: string): string {
  return s.replace(/\r?\n\s*/g, ' ');
}
