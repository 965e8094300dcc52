// Examples that hold: every YAML block of README.md and docs/**/*.md that is a design (its
// first line that is neither blank nor a comment starts with `design:`) is linted, and
// reports nothing, or exactly what the annotation right after it declares:
//
//     ```yaml
//     design: shop
//     ...
//     ```
//
//     <!-- ddr-expect: RTY006 warning 14:24, DSN002 warning 3:1 -->
//
// Each entry is `RULE severity line:column`, 1-based within the block (its first line is
// line 1). The comment is the first non-blank line after the closing fence; rendered
// Markdown does not show it. `npm run gen` writes it under the rule pages' examples.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze } from '../server/src/engine/analyze';
import { LineMap } from '../server/src/engine/positions';

const repoRoot = path.join(__dirname, '..', '..');

export interface DesignBlock {
  /** The Markdown file, relative to the repository. */
  file: string;
  /** The 1-based line of the block's first line of YAML. */
  line: number;
  text: string;
  /** The declared findings, sorted; undefined without an annotation. */
  expected?: string[];
  /** What is wrong with the annotation, if anything. */
  problem?: string;
}

const EXPECT = /^\s*<!--\s*ddr-expect:([\s\S]*?)-->\s*$/;
const ENTRY = /^([A-Z]{3}\d{3}) (error|warning|info) (\d+):(\d+)$/;

function markdownFiles(): string[] {
  const out = ['README.md'];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(repoRoot, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        walk(child);
      } else if (e.name.endsWith('.md')) {
        out.push(child);
      }
    }
  };
  walk('docs');
  return out;
}

/** The design blocks of a Markdown text, each with its annotation; stray annotations as problems. */
export function designBlocks(file: string, markdown: string): { blocks: DesignBlock[]; stray: number[] } {
  const lines = markdown.split('\n');
  const blocks: DesignBlock[] = [];
  const claimed = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) {
      continue;
    }
    const [, indent, fence, lang] = open;
    // The closing fence: the same character, at least as many, nothing after it.
    const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !closing.test(lines[end])) {
      end++;
    }
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
    const first = body.find((l) => l.trim() && !/^\s*#/.test(l));
    const start = i;
    i = end;
    if (!['', 'yaml', 'yml'].includes(lang) || !first?.startsWith('design:')) {
      continue;
    }
    const block: DesignBlock = { file, line: start + 2, text: body.join('\n') + '\n' };
    let next = end + 1;
    while (next < lines.length && !lines[next].trim()) {
      next++;
    }
    // The comment may span lines: up to its `-->`.
    let close = next;
    while (close < lines.length && lines[next]?.trimStart().startsWith('<!--') && !lines[close].includes('-->')) {
      close++;
    }
    const comment = lines.slice(next, close + 1).join('\n');
    const m = EXPECT.exec(comment);
    if (m) {
      claimed.add(next);
      const entries = m[1]
        .split(/[,\n]/)
        .map((x) => x.trim().replace(/\s+/g, ' '))
        .filter(Boolean);
      const bad = entries.filter((x) => !ENTRY.test(x));
      if (bad.length || !entries.length) {
        block.problem = `${file}:${next + 1}: ddr-expect wants \`RULE severity line:column\` entries separated by commas, not ${JSON.stringify(bad.join(', ') || m[1].trim())}`;
      }
      block.expected = entries.sort();
    }
    blocks.push(block);
  }
  // An annotation quoted in a code span (`<!-- ddr-expect: … -->` in prose) is not one.
  const stray = lines.map((l, i) => (/<!--\s*ddr-expect:/.test(l.replace(/`[^`]*`/g, '')) && !claimed.has(i) ? i + 1 : 0)).filter((n) => n > 0);
  return { blocks, stray };
}

/** What `ddr lint` reports on a block, as the annotation writes it. */
export function actual(text: string): { findings: string[]; ruleErrors: string[] } {
  const a = analyze(text);
  const map = new LineMap(text);
  const findings = a.findings.map((f) => {
    const at = map.position(f.range[0]);
    return `${f.ruleId} ${f.severity} ${at.line + 1}:${at.character + 1}`;
  });
  return { findings: findings.sort(), ruleErrors: a.ruleErrors.map((e) => `${e.ruleId}: ${e.message}`) };
}

const files = markdownFiles();

test('README.md and docs/ hold design examples to check (README’s DSL example, two per rule page)', () => {
  const count = files.flatMap((f) => designBlocks(f, fs.readFileSync(path.join(repoRoot, f), 'utf8')).blocks);
  assert.ok(count.some((b) => b.file === 'README.md'), 'README’s DSL example is found');
  assert.ok(count.filter((b) => b.file.startsWith('docs/rules/')).length >= 100, 'the rule pages’ examples are found');
});

for (const file of files) {
  const { blocks, stray } = designBlocks(file, fs.readFileSync(path.join(repoRoot, file), 'utf8'));
  if (!blocks.length && !stray.length) {
    continue;
  }
  test(`${file}: every design example reports nothing, or exactly what its ddr-expect annotation says`, () => {
    assert.deepEqual(stray, [], `${file}: ddr-expect annotations on lines that do not follow a design block`);
    const wrong: string[] = [];
    for (const b of blocks) {
      if (b.problem) {
        wrong.push(b.problem);
        continue;
      }
      const got = actual(b.text);
      if (got.ruleErrors.length) {
        wrong.push(`${file}:${b.line}: rules failed: ${got.ruleErrors.join('; ')}`);
      }
      const expected = b.expected ?? [];
      if (got.findings.join(', ') !== expected.join(', ')) {
        wrong.push(
          `${file}:${b.line}: the design example reports ${got.findings.length ? got.findings.join(', ') : 'nothing'}; ` +
            (b.expected ? `its annotation says ${expected.join(', ')}` : 'fix the example, or declare the findings after it: <!-- ddr-expect: ' + got.findings.join(', ') + ' -->'),
        );
      }
    }
    assert.deepEqual(wrong, []);
  });
}

test('the annotation reader: entries, a multi-line comment, a malformed entry, a stray annotation', () => {
  const md = [
    '```yaml',
    'design: a',
    '```',
    '',
    '<!-- ddr-expect: DSN006 error 1:1,',
    '     DLV001 error 2:3 -->',
    '',
    '```yaml',
    '# a comment first',
    'design: b',
    '```',
    '<!-- ddr-expect: DSN006 1:1 -->',
    '',
    '```sh',
    'design: not yaml',
    '```',
    '<!-- ddr-expect: DSN001 error 1:1 -->',
  ].join('\n');
  const { blocks, stray } = designBlocks('x.md', md);
  assert.deepEqual(
    blocks.map((b) => ({ line: b.line, text: b.text, expected: b.expected, problem: b.problem })),
    [
      { line: 2, text: 'design: a\n', expected: ['DLV001 error 2:3', 'DSN006 error 1:1'], problem: undefined },
      {
        line: 9,
        text: '# a comment first\ndesign: b\n',
        expected: ['DSN006 1:1'],
        problem: 'x.md:12: ddr-expect wants `RULE severity line:column` entries separated by commas, not "DSN006 1:1"',
      },
    ],
  );
  assert.deepEqual(stray, [17]);
});
