// A rule's page, rendered from its registry entry alone: `ddr explain`, docs/rules/*.md,
// the README table and SARIF's help all come from here, so nothing is written twice.
// The examples are run through the engine, so a page shows what `ddr lint` really says.
import { analyze, fixesFor } from '../engine/analyze';
import { CONTRACT_CREDIT, docsUrl, DOCS_BASE_URL, Rule } from '../engine/rule';
import { LineMap } from '../engine/positions';
import { applyEdits, AREA_TITLES, Fix } from '../engine/types';
import { unifiedDiff } from './diff';

export const HOMEPAGE = DOCS_BASE_URL.replace(/\/blob\/.*$/, '');

export type FixKind = 'auto' | 'choice' | '—';

/** The fix `ddr lint --fix` would pick among a finding's verified fixes (as fixAll does). */
export function autoFix(fixes: Fix[]): Fix | undefined {
  const safe = fixes.filter((x) => x.applicability === 'safe');
  return safe.length === 1 ? safe[0] : safe.find((x) => x.preferred);
}

interface ExampleRun {
  findings: string[];
  kind: FixKind;
  /** Titles of the fixes offered on the first finding. */
  titles: string[];
  /** example.bad after applying this rule's automatic fix until none is left. */
  fixed?: string;
}

const cache = new Map<string, ExampleRun>();

/** Runs the rule's bad example: what it reports, and what its fix does. */
export function runExample(rule: Rule): ExampleRun {
  const hit = cache.get(rule.id);
  if (hit) {
    return hit;
  }
  const bad = rule.docs.example.bad;
  const a = analyze(bad);
  const map = new LineMap(bad);
  const mine = a.findings.filter((f) => f.ruleId === rule.id);
  const findings = mine.map((f) => {
    const s = map.position(f.range[0]);
    return `${s.line + 1}:${s.character + 1}  ${f.severity}  ${f.ruleId}  ${f.message}`;
  });
  let kind: FixKind = '—';
  let titles: string[] = [];
  let fixed: string | undefined;
  if (rule.fix) {
    const offered = mine.map((f) => fixesFor(a, f));
    titles = (offered.find((o) => o.length) ?? []).map((f) => f.title);
    // A fix the example does not show is not documented as one (the registry test
    // requires every rule with a fix to offer it on its bad example).
    kind = titles.length ? 'choice' : '—';
    if (offered.some((o) => autoFix(o))) {
      kind = 'auto';
      let text = bad;
      for (let i = 0; i < 50; i++) {
        const again = analyze(text);
        let chosen: Fix | undefined;
        for (const f of again.findings.filter((x) => x.ruleId === rule.id)) {
          chosen = autoFix(fixesFor(again, f));
          if (chosen) {
            break;
          }
        }
        if (!chosen) {
          break;
        }
        text = applyEdits(text, chosen.edits);
      }
      fixed = text;
    }
  }
  const run = { findings, kind, titles, fixed };
  cache.set(rule.id, run);
  return run;
}

export function fixKind(rule: Rule): FixKind {
  return runExample(rule).kind;
}

/** A page as blocks: written out as Markdown (docs/rules, `--format md`) or for a terminal. */
export type Block =
  | { t: 'h1' | 'h2' | 'p'; text: string }
  | { t: 'table'; head: string[]; row: string[] }
  | { t: 'quote'; lines: string[] }
  | { t: 'code'; lang: string; text: string }
  | { t: 'list'; items: string[] }
  | { t: 'comment'; text: string };

/**
 * The annotation test/docs-examples.test.ts checks after a design in Markdown: every
 * finding `ddr lint` reports on it, as `RULE severity line:column` (1-based, within the
 * block), in an HTML comment, which rendered Markdown does not show.
 */
export function expectAnnotation(findings: Array<{ ruleId: string; severity: string; line: number; column: number }>): string | undefined {
  return findings.length ? `ddr-expect: ${findings.map((f) => `${f.ruleId} ${f.severity} ${f.line}:${f.column}`).join(', ')}` : undefined;
}

/** A design as a page shows it: the YAML, and the annotation of what it reports, if anything. */
function designExample(yaml: string): Block[] {
  const map = new LineMap(yaml);
  const findings = analyze(yaml).findings.map((f) => {
    const at = map.position(f.range[0]);
    return { ruleId: f.ruleId, severity: f.severity, line: at.line + 1, column: at.character + 1 };
  });
  const note = expectAnnotation(findings);
  return [{ t: 'code', lang: 'yaml', text: yaml }, ...(note ? [{ t: 'comment' as const, text: note }] : [])];
}

/** The rule's quote of the knowledge contract, credited. */
function contractQuote(rule: Rule): Block {
  return { t: 'quote', lines: [...rule.contract.quote.split('\n'), '', `— ${CONTRACT_CREDIT}, *${rule.contract.section}*`] };
}

/** The rule's page as blocks. */
export function ruleBlocks(rule: Rule, sourcePath: string): Block[] {
  const run = runExample(rule);
  const fixLabel = { auto: 'automatic (`ddr lint --fix`)', choice: 'offered in the editor (a choice)', '—': 'none' }[run.kind];
  const blocks: Block[] = [
    { t: 'h1', text: `${rule.id} ${rule.name}` },
    { t: 'table', head: ['area', 'default severity', 'fix'], row: [`${AREA_TITLES[rule.area]} (\`${rule.area}\`)`, rule.severity, fixLabel] },
    contractQuote(rule),
    { t: 'p', text: rule.docs.summary },
    { t: 'h2', text: 'Why' },
    { t: 'p', text: rule.docs.why },
    { t: 'h2', text: 'Example' },
    { t: 'p', text: 'Reported:' },
    ...designExample(rule.docs.example.bad),
  ];
  if (run.findings.length) {
    blocks.push({ t: 'p', text: '`ddr lint` says:' }, { t: 'code', lang: 'text', text: run.findings.join('\n') });
  }
  blocks.push(
    { t: 'p', text: 'Not reported:' },
    ...designExample(rule.docs.example.good),
    { t: 'h2', text: 'Fix' },
    { t: 'p', text: rule.docs.fix },
  );
  if (run.fixed !== undefined) {
    const hunks = unifiedDiff('example.design.yaml', rule.docs.example.bad, run.fixed).split('\n').slice(2).join('\n');
    blocks.push({ t: 'p', text: 'What `ddr lint --fix` changes in the example:' }, { t: 'code', lang: 'diff', text: hunks });
  } else if (run.titles.length) {
    blocks.push({ t: 'p', text: 'Offered on the example:' }, { t: 'list', items: run.titles });
  }
  blocks.push({ t: 'comment', text: `Generated by \`npm run gen\` from ${sourcePath}. Do not edit.` });
  return blocks;
}

function markdownBlock(b: Block): string {
  switch (b.t) {
    case 'h1':
      return `# ${b.text}`;
    case 'h2':
      return `## ${b.text}`;
    case 'p':
      return b.text;
    case 'table':
      return [`| ${b.head.join(' | ')} |`, `|${b.head.map(() => '---|').join('')}`, `| ${b.row.join(' | ')} |`].join('\n');
    case 'quote':
      return b.lines.map((l) => ('> ' + l).trimEnd()).join('\n');
    case 'code':
      return '```' + b.lang + '\n' + b.text.replace(/\n?$/, '\n') + '```';
    case 'list':
      return b.items.map((i) => `- ${i}`).join('\n');
    case 'comment':
      return `<!-- ${b.text} -->`;
  }
}

export function toMarkdown(blocks: Block[]): string {
  return blocks.map(markdownBlock).join('\n\n') + '\n';
}

/** The rule's page (docs/rules/<ID>.md, and what `ddr explain --format md` prints). */
export function ruleMarkdown(rule: Rule, sourcePath: string): string {
  return toMarkdown(ruleBlocks(rule, sourcePath));
}

export interface TerminalOptions {
  /** Bold headings, coloured code and diff lines: a terminal that allows colour. */
  color: boolean;
  /** Where text wraps. */
  width: number;
}

const SGR = { bold: '1', red: '31', green: '32', cyan: '36', dim: '2' };

function paint(on: boolean, code: string, s: string): string {
  return on && s ? `\u001b[${code}m${s}\u001b[0m` : s;
}

/**
 * Markdown's inline markup as a terminal shows it: code spans without their backticks
 * (cyan with colour), `**bold**` bold with colour, `*emphasis*` plain, a link as its text
 * and address, backslash escapes resolved.
 */
export function terminalInline(text: string, color: boolean): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => {
      if (i % 2 === 1) {
        return paint(color, SGR.cyan, part.slice(1, -1));
      }
      return part
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '$1 <$2>')
        .replace(/\*\*([^*]+)\*\*/g, (_, x: string) => paint(color, SGR.bold, x))
        .replace(/(^|[\s(])\*([^*\s][^*]*)\*(?=$|[\s.,;:)])/g, '$1$2')
        .replace(/\\([\\`*_{}[\]()#+\-.!"])/g, '$1');
    })
    .join('');
}

/** Visible length: SGR sequences take no column. */
function visible(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** Word-wraps a paragraph to `width` columns, each line after `indent`. */
function wrap(text: string, width: number, indent: string, first = indent): string[] {
  const lines: string[] = [];
  let line = '';
  let lead = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && visible(lead + line + ' ' + word) > width) {
      lines.push(lead + line);
      line = word;
      lead = indent;
    } else {
      line = line ? line + ' ' + word : word;
    }
  }
  lines.push(lead + line);
  return lines;
}

function terminalBlock(b: Block, o: TerminalOptions): string | undefined {
  const body = '  ';
  switch (b.t) {
    case 'h1':
    case 'h2':
      return paint(o.color, SGR.bold, terminalInline(b.text, false));
    case 'p':
      return wrap(terminalInline(b.text, o.color), o.width, body).join('\n');
    case 'table':
      return b.head.map((h, i) => wrap(terminalInline(b.row[i], o.color), o.width, body + '  ', `${body}${h}: `).join('\n')).join('\n');
    case 'quote':
      return b.lines.map((l) => (l ? wrap(terminalInline(l, o.color), o.width, `${body}│ `).join('\n') : `${body}│`)).join('\n');
    case 'code':
      return b.text
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => {
          const line = (body + '    ' + l).trimEnd();
          if (b.lang === 'diff' && /^[-+](?![-+]{2} )/.test(l)) {
            return paint(o.color, l.startsWith('+') ? SGR.green : SGR.red, line);
          }
          return b.lang === 'diff' && l.startsWith('@@') ? paint(o.color, SGR.cyan, line) : line;
        })
        .join('\n');
    case 'list':
      return b.items.map((i) => wrap(terminalInline(i, o.color), o.width, body + '  ', `${body}- `).join('\n')).join('\n');
    case 'comment':
      return undefined;
  }
}

/** A page for a terminal: headings at the margin, the rest indented, code indented further. */
export function toTerminal(blocks: Block[], o: TerminalOptions): string {
  return (
    blocks
      .map((b) => terminalBlock(b, o))
      .filter((x): x is string => x !== undefined)
      .join('\n\n') + '\n'
  );
}

export function helpText(rule: Rule): string {
  return `${rule.docs.summary}\n\nWhy: ${rule.docs.why}\n\nFix: ${rule.docs.fix}\n\nFrom ${CONTRACT_CREDIT}, ${rule.contract.section}: "${rule.contract.quote}"\n\n${docsUrl(rule)}`;
}

export function helpMarkdown(rule: Rule): string {
  return [
    rule.docs.summary,
    '',
    markdownBlock(contractQuote(rule)),
    '',
    '**Why.** ' + rule.docs.why,
    '',
    '**Fix.** ' + rule.docs.fix,
    '',
    `[${rule.id} ${rule.name}](${docsUrl(rule)})`,
  ].join('\n');
}

/** Where a rule's source lives, by the one-rule-per-file convention. */
export function ruleSourcePath(rule: Rule): string {
  return `server/src/engine/rules/${rule.area}/${rule.name}.ts`;
}
