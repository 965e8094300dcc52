// GitHub Actions workflow commands: each finding becomes an annotation on the pull
// request's diff. Escaping follows GitHub's toolkit (`@actions/core` command.ts): data
// escapes `%`, CR and LF; property values also escape `:` and `,`. Before that, every
// other control character of a string from a design or a cache is made visible (escape.ts):
// the log shows the command as it is printed, and GitHub's log viewer runs ANSI escapes.
import { RULES_BY_ID } from '../../engine/registry';
import { visible } from './escape';
import { FileResult, locate } from './types';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(results: FileResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const f of r.findings) {
      const at = locate(r.map, f.range);
      const name = RULES_BY_ID.get(f.ruleId)?.name;
      const props = [
        `file=${escapeProperty(visible(r.file))}`,
        `line=${at.line}`,
        `col=${at.column}`,
        `endLine=${at.endLine}`,
        `endColumn=${at.endColumn}`,
        `title=${escapeProperty(visible(name ? `${f.ruleId} ${name}` : f.ruleId))}`,
      ];
      lines.push(`::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(visible(f.message, '\n'))}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
