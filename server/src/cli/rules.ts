// `ddr rules` (the catalog as a table or JSON) and `ddr explain RULE` (a rule's page).
import { findRule, RULES } from '../engine/registry';
import { CONTRACT_NAME, docsUrl, Rule } from '../engine/rule';
import { AREAS } from '../engine/types';
import { one, parseArgs, UsageError, wantsColor } from './args';
import { nearestRule, Io } from './io';
import { fixKind, ruleBlocks, ruleSourcePath, toMarkdown, toTerminal } from './ruleDocs';

export const RULES_USAGE = `Usage: ddr rules [--format text|json]

Lists every rule: id, area, default severity and name, in checklist order.
`;

export const EXPLAIN_USAGE = `Usage: ddr explain [options] <RULE>

Prints a rule's page: the sentence of the knowledge contract (distributed-system-basics)
it enforces, why it matters, a reported and a clean example, and what its fix does. RULE
is an id (DLV001) or a name (delivery-undeclared).

Options:
  --format <f>          text (default: the page for a terminal) or md (the page's
                        Markdown, as docs/rules/<RULE>.md has it)
  --color, --no-color   force colour on or off (default: on when stdout is a terminal)
  -h, --help            show this help
`;

/** Rules in checklist order (the areas of rules.md), by id within an area. */
export function catalogOrder(): Rule[] {
  return [...RULES].sort((a, b) => AREAS.indexOf(a.area) - AREAS.indexOf(b.area) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n') + '\n';
}

export function rulesCommand(argv: string[], io: Io): number {
  const p = parseArgs(argv, [{ name: 'format', value: true }, { name: 'help', short: 'h' }]);
  if (p.flags.has('help')) {
    io.stdout(RULES_USAGE);
    return 0;
  }
  if (p.positionals.length) {
    throw new UsageError(`ddr rules takes no arguments (got \`${p.positionals[0]}\`); see \`ddr explain ${p.positionals[0]}\``);
  }
  const format = one(p, 'format') ?? 'text';
  const rules = catalogOrder();
  if (format === 'json') {
    const out = rules.map((r) => ({
      id: r.id,
      name: r.name,
      area: r.area,
      severity: r.severity,
      fix: fixKind(r) === '—' ? null : fixKind(r),
      summary: r.docs.summary,
      contract: { name: CONTRACT_NAME, section: r.contract.section, quote: r.contract.quote },
      docsUrl: docsUrl(r),
    }));
    io.stdout(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  if (format !== 'text') {
    throw new UsageError(`unknown format \`${format}\`: use text or json`);
  }
  io.stdout(table([['ID', 'AREA', 'SEVERITY', 'NAME'], ...rules.map((r) => [r.id, r.area, r.severity, r.name])]));
  return 0;
}

export function explainCommand(argv: string[], io: Io): number {
  const p = parseArgs(argv, [{ name: 'format', value: true }, { name: 'color' }, { name: 'no-color' }, { name: 'help', short: 'h' }]);
  if (p.flags.has('help')) {
    io.stdout(EXPLAIN_USAGE);
    return 0;
  }
  const format = one(p, 'format') ?? 'text';
  if (format !== 'text' && format !== 'md') {
    throw new UsageError(`unknown format \`${format}\`: use text or md`);
  }
  const color = wantsColor(p, io);
  if (p.positionals.length !== 1) {
    throw new UsageError(p.positionals.length ? 'ddr explain takes one rule' : 'ddr explain needs a rule id or name, e.g. `ddr explain DLV001`');
  }
  const word = p.positionals[0];
  const rule = findRule(word);
  if (!rule) {
    const near = nearestRule(word);
    throw new UsageError(`unknown rule \`${word}\`${near ? ` (did you mean \`${near.id}\` ${near.name}?)` : ''}; \`ddr rules\` lists them`);
  }
  const blocks = ruleBlocks(rule, ruleSourcePath(rule));
  io.stdout(format === 'md' ? toMarkdown(blocks) : toTerminal(blocks, { color, width: EXPLAIN_WIDTH }));
  return 0;
}

/** Where `ddr explain` wraps its text: a man page's width, whatever the terminal's. */
export const EXPLAIN_WIDTH = 80;
