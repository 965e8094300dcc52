// parse.ts collects comments while it lexes (tokenize, also used by chunks.ts); they must
// be exactly the comment tokens of the finished CST, and the tokens exactly Parser.parse's, on every kind of
// YAML the tests hold: the examples, the rule fixtures, the fault corpus and edge cases
// where a `#` is not a comment (inside quotes, block scalars, plain scalars, flow).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Parser } from 'yaml';
import { computeLineStarts } from '../server/src/engine/lines';
import { Comment, tokenize } from '../server/src/engine/yaml/parse';
import { generateDesign } from './bench/generate';

const ROOT = path.join(__dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      out.push(...yamlFiles(p));
    } else if (/\.(ya?ml|bin)$/.test(e.name)) {
      out.push(p);
    }
  }
  return out;
}

const EDGE_CASES: Record<string, string> = {
  quoted: 'a: "x # y" # real\nb: \'p # q\'\n',
  plain: 'a: x#y\nb: x #z\nurl: http://h/#frag\n',
  blockScalar: 'a: | # header comment\n  # not a comment\n  text # nor this\nb: >-\n  # still text\n# a comment again\n',
  flow: 'a: [1, # one\n  2] # end\nb: {k: v # kv\n  }\n',
  onlyComments: '# one\n  # two\n',
  bom: '\uFEFF# bom comment\na: 1\n',
  crlf: 'a: 1 # c\r\n# d\r\nb: 2\r\n',
  noNewline: 'a: 1 # last',
  errors: 'a: [1, 2\n# after error\nb: "unterminated # q\n',
  docs: '%YAML 1.2\n--- # doc start\na: 1\n... # doc end\n# between\n---\nb: 2\n',
  anchors: 'a: &x # anchored\n  k: v\nb: *x # alias\n',
  keyComment: '? # explicit\n  k\n: v\n',
  // A block scalar at the root may start its lines at column 0: its text starts with `#`.
  rootBlockScalar: '--- |\n#not a comment\ntext\n',
};

/** The oracle: the comment tokens of the finished CST, found by visiting every object of it. */
function cstComments(tokens: unknown[], text: string, lineStarts: number[]): Comment[] {
  const out: Comment[] = [];
  const stack: unknown[] = [tokens];
  while (stack.length) {
    const o = stack.pop();
    if (!o || typeof o !== 'object') {
      continue;
    }
    const t = o as { type?: string; offset?: number; source?: unknown };
    if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') {
      let line = 0;
      while (line + 1 < lineStarts.length && lineStarts[line + 1] <= t.offset) {
        line++;
      }
      const ownLine = text.slice(lineStarts[line], t.offset).trim() === '';
      out.push({ start: t.offset, end: t.offset + t.source.trimEnd().length, text: t.source.slice(1).trim(), ownLine, line });
      continue;
    }
    stack.push(...Object.values(o));
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Every object of a token tree with its scalar fields, in order, without recursion (some files nest 10,000 deep). */
function flat(tokens: unknown[]): string[] {
  const out: string[] = [];
  const stack: unknown[] = [tokens];
  while (stack.length) {
    const o = stack.pop();
    if (!o || typeof o !== 'object') {
      continue;
    }
    const entries = Array.isArray(o) ? o.map((v, i) => [String(i), v] as const) : Object.entries(o);
    out.push(entries.filter(([, v]) => !v || typeof v !== 'object').map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' '));
    for (let i = entries.length - 1; i >= 0; i--) {
      stack.push(entries[i][1]);
    }
  }
  return out;
}

function check(name: string, text: string): void {
  const lineStarts = computeLineStarts(text);
  const expectedTokens = [...new Parser().parse(text)];
  const seen: number[] = [];
  const expectedLines: number[] = [];
  for (const _ of new Parser((o) => expectedLines.push(o)).parse(text)) {
    // lines are recorded as a side effect
  }
  const { tokens, comments } = tokenize(text, lineStarts, (o) => seen.push(o));
  assert.deepEqual(flat(tokens), flat(expectedTokens), `${name}: the tokens of Parser.parse`);
  assert.deepEqual(seen, expectedLines, `${name}: the same onNewLine calls as Parser.parse`);
  assert.deepEqual(comments, cstComments(expectedTokens, text, lineStarts), `${name}: the comment tokens of the CST`);
}

test('tokenize: comments and tokens equal a walk of the CST, on edge cases', () => {
  for (const [name, text] of Object.entries(EDGE_CASES)) {
    check(name, text);
  }
  // The edge cases do exercise both sides: comments found, and `#`s that are not comments.
  const block = tokenize(EDGE_CASES.blockScalar, computeLineStarts(EDGE_CASES.blockScalar)).comments.map((c) => c.text);
  assert.deepEqual(block, ['header comment', 'a comment again']);
  assert.deepEqual(tokenize(EDGE_CASES.rootBlockScalar, computeLineStarts(EDGE_CASES.rootBlockScalar)).comments, []);
});

test('tokenize: comments and tokens equal a walk of the CST, on every YAML file of the tests and examples', () => {
  const files = [...yamlFiles(path.join(ROOT, 'examples')), ...yamlFiles(path.join(ROOT, 'test', 'rules')), ...yamlFiles(path.join(ROOT, 'test', 'corpus'))];
  assert.ok(files.length > 100, `found ${files.length} files`);
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    check(path.relative(ROOT, f), text);
  }
});

test('tokenize: comments and tokens equal a walk of the CST, on generated designs', () => {
  for (const lines of [200, 2000]) {
    check(`generated ${lines}`, generateDesign(lines));
  }
});
