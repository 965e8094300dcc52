// yaml's lexer and parser without their generators (scripts/yamlFast.js writes them at
// build time, server/src/engine/yaml/fastYaml.ts loads them): the same lexemes, tokens,
// offsets and new lines as yaml's own, on every kind of input the engine sees, and a
// rewrite that refuses, with the reason, a yaml whose text it does not expect.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { CST, Lexer, Parser } from 'yaml';
import { generators, newLexer, newParser, PARSER_KIND } from '../server/src/engine/yaml/fastYaml';
import { generateDesign } from './bench/generate';

const ROOT = path.join(__dirname, '..', '..');
const { degenerate } = require(path.join(ROOT, 'scripts', 'yamlFast.js')) as {
  degenerate(src: string, file: string, publicNames: string[], into: Record<string, string>): string;
};
const rewritten = {
  Lexer: require(path.join(ROOT, 'out', 'server', 'src', 'engine', 'yaml', 'fastLexer.js')).Lexer as typeof Lexer,
  Parser: require(path.join(ROOT, 'out', 'server', 'src', 'engine', 'yaml', 'fastParser.js')).Parser as typeof Parser,
};

/** Every YAML construct yaml's lexer has a state for, and some of its errors. */
const SAMPLER = [
  '\ufeff%YAML 1.2\n%TAG !e! tag:example.com,2000:\n--- !e!root\n',
  'plain: text # a comment\n"double": "esc \\" \\u00e9 \\\n  folded"\n\'single\': \'it\'\'s\'\n',
  'block: |-\n  line one\n\n  line two\nfolded: >+2\n    kept\n\n',
  'flow: {a: [1, 2, {b: c}], ? d : e, "f": \'g\'}\nseq: [x, y,\n  z]\n',
  'anchors: &a {k: v}\nalias: *a\nmerge:\n  <<: *a\n  tagged: !!str 1\n',
  '? explicit key\n: explicit value\n- broken: [unclosed\n\tTabbed: x\n',
  'crlf: a\r\nlone: cr\rend: z\r\n... \n---\n- second doc\n...\n',
  'list:\n  - name: a\n    calls:\n      - to: b # trailing\n        timeout: 2s\n  -   deep:\n        - - - x\n',
  'key: "unterminated\nnext: \'also\n`junk` @at %pct\n',
].join('');

let made: Array<[string, string]> | undefined;

/** The inputs, made once for every test of the file. */
function inputs(): Array<[string, string]> {
  return (made ??= makeInputs());
}

function makeInputs(): Array<[string, string]> {
  const out: Array<[string, string]> = [['sampler', SAMPLER], ['generated 1k', generateDesign(1000)], ['empty', ''], ['one space', ' ']];
  for (const dir of ['examples', path.join('test', 'corpus')]) {
    for (const f of fs.readdirSync(path.join(ROOT, dir)).sort()) {
      const p = path.join(ROOT, dir, f);
      if (fs.statSync(p).isFile()) {
        out.push([path.join(dir, f), fs.readFileSync(p, 'utf8')]);
      }
    }
  }
  // Seeded mutations (YAML's punctuation typed into the texts above) and junk.
  let seed = 7;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const alphabet = ' \n\t-:?#&*!|>\'"[]{},%@`.\\ab01\r\u00e9\ufeff';
  const texts = out.map(([, t]) => t).filter((t) => t.length > 0);
  for (let i = 0; i < 600; i++) {
    let t = texts[i % texts.length].slice(0, 4000);
    for (let k = 0; k < 4; k++) {
      const at = random(t.length + 1);
      t = t.slice(0, at) + alphabet[random(alphabet.length)].repeat(1 + random(3)) + t.slice(at + random(3));
    }
    out.push([`mutation ${i}`, t]);
  }
  for (let i = 0; i < 400; i++) {
    let t = '';
    for (let k = random(120); k > 0; k--) {
      t += alphabet[random(alphabet.length)];
    }
    out.push([`junk ${i}`, t]);
  }
  return out;
}

/**
 * Where two values first differ (a path), or undefined: deep-equal without recursion, as
 * the corpus's deeply nested designs give token trees too deep for assert.deepStrictEqual.
 */
function firstDifference(a: unknown, b: unknown): string | undefined {
  const stack: Array<[unknown, unknown, string]> = [[a, b, '']];
  while (stack.length) {
    const [x, y, at] = stack.pop()!;
    if (Object.is(x, y)) {
      continue;
    }
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null || Array.isArray(x) !== Array.isArray(y) || Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) {
      return `${at}: ${JSON.stringify(x)?.slice(0, 80)} against ${JSON.stringify(y)?.slice(0, 80)}`;
    }
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.join() !== ky.join()) {
      return `${at}: keys ${kx.join()} against ${ky.join()}`;
    }
    for (const k of kx) {
      stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${at}.${k}`]);
    }
  }
  return undefined;
}

interface Run {
  lexemes: string[];
  offsets: number[];
  tokens: CST.Token[];
  newLines: number[];
}

/** yaml's own lexer and parser, lexeme by lexeme, as tokenize drove them before. */
function yamlRun(text: string): Run {
  const newLines: number[] = [];
  const parser = new Parser((o) => newLines.push(o));
  const run: Run = { lexemes: [], offsets: [], tokens: [], newLines };
  for (const lexeme of new Lexer().lex(text)) {
    run.lexemes.push(lexeme);
    run.offsets.push(parser.offset);
    run.tokens.push(...parser.next(lexeme));
  }
  run.tokens.push(...parser.end());
  return run;
}

/** The engine's: the sink interface of fastYaml.ts (the rewritten modules, or yaml's generators behind it). */
function engineRun(text: string, modules = { lexer: newLexer, parser: newParser }): Run {
  const newLines: number[] = [];
  const parser = modules.parser((o) => newLines.push(o));
  const run: Run = { lexemes: [], offsets: [], tokens: [], newLines };
  modules.lexer().lexInto(
    {
      push(lexeme) {
        run.lexemes.push(lexeme);
        run.offsets.push(parser.offset);
        parser.nextInto(run.tokens, lexeme);
      },
    },
    text,
  );
  parser.endInto(run.tokens);
  return run;
}

test('the engine runs the rewritten lexer and parser, and so does the server bundle', () => {
  assert.equal(PARSER_KIND, 'rewritten', 'out/server/src/engine/yaml/fastLexer.js and fastParser.js are missing: `npm run build` writes them');
  const bundle = fs.readFileSync(path.join(ROOT, 'out', 'server', 'src', 'lsp', 'server.bundle.js'), 'utf8');
  assert.ok(bundle.includes('lexInto(sink, source') && bundle.includes('nextInto(sink, source'), 'the bundle holds the rewritten modules');
});

test("the rewritten lexer and parser give yaml's own lexemes, offsets, tokens and new lines", () => {
  let count = 0;
  for (const [name, text] of inputs()) {
    assert.equal(firstDifference(engineRun(text), yamlRun(text)), undefined, name);
    count++;
  }
  assert.ok(count > 1000);
});

test("without the rewritten modules (tsc alone), yaml's generators behind the same interface give the same run", () => {
  assert.equal(generators.kind, 'yaml');
  for (const [name, text] of inputs().slice(0, 60)) {
    assert.equal(firstDifference(engineRun(text, generators), yamlRun(text)), undefined, name);
  }
});

test("the rewritten classes keep yaml's generator API: lex() and parse() yield what yaml's do", () => {
  for (const [name, text] of inputs().slice(0, 60)) {
    assert.equal(firstDifference([...new rewritten.Lexer().lex(text)], [...new Lexer().lex(text)]), undefined, name);
    const nl: number[][] = [[], []];
    assert.equal(firstDifference([...new rewritten.Parser((o) => nl[0].push(o)).parse(text)], [...new Parser((o) => nl[1].push(o)).parse(text)]), undefined, name);
    assert.deepStrictEqual(nl[0], nl[1], name);
  }
});

const TOY = [
  "'use strict';",
  'class Toy {',
  '    *all(n) {',
  '        const got = yield* this.each(n);',
  '        this.skipped();',
  "        yield { end: got, text: 'a;b' };",
  '    }',
  '    *each(n) {',
  '        for (let i = 0; i < n; i++)',
  '            yield i;',
  '        return n * 10;',
  '    }',
  '    *skipped() {',
  "        yield 'never: yaml creates this generator and drops it';",
  '    }',
  '}',
  'exports.Toy = Toy;',
].join('\n');

type Toy = { all(n: number): Iterable<unknown>; allInto(sink: unknown[], n: number): void };
const load = (src: string): new () => Toy => {
  const exports: { Toy?: new () => Toy } = {};
  new Function('exports', src)(exports);
  return exports.Toy!;
};

test('the rewrite keeps what a generator yields, returns and never runs', () => {
  const Original = load(TOY);
  const Plain = load(degenerate(TOY, 'toy.js', ['all'], { all: 'allInto' }));
  const expected = [0, 1, 2, { end: 30, text: 'a;b' }];
  assert.deepStrictEqual([...new Original().all(3)], expected);
  assert.deepStrictEqual([...new Plain().all(3)], expected);
  const sink: unknown[] = [];
  new Plain().allInto(sink, 3);
  assert.deepStrictEqual(sink, expected);
  assert.ok(!/\byield\b(?!\* out)/.test(degenerate(TOY, 'toy.js', ['all'], { all: 'allInto' }).replace(/\/\*.*?\*\//g, '')));
});

test('the rewrite refuses a yaml it does not expect, and says what to update', () => {
  const refuse = (edit: (s: string) => string, why: RegExp) =>
    assert.throws(() => degenerate(edit(TOY), 'toy.js', ['all'], { all: 'allInto' }), (e: Error) => why.test(e.message) && /update scripts\/yamlFast\.js/.test(e.message));
  refuse((s) => s.replace('const got = yield* this.each(n);', 'const got = this.each;'), /used other than by a call/);
  refuse((s) => s.replace('this.skipped();', 'log(this.skipped());'), /without yield\*/);
  refuse((s) => s.replace('            yield i;', '            { const x = yield i; }'), /a yield other than a statement/);
  refuse((s) => s.replace('const got = yield* this.each(n);', 'const got = yield* [1, 2];'), /yield\* of something other/);
  refuse((s) => s.replace('    *all(n) {', '    all(n) {'), /no generator method all/);
});

test('tokenize keeps its last lexer and parser alive (V8 keeps their hidden classes), without the text they read', async () => {
  const { tokenize, computeLineStarts } = await import('../server/src/engine/yaml/parse');
  const { retainedForTests } = await import('../server/src/engine/yaml/fastYaml');
  const text = generateDesign(200);
  tokenize(text, computeLineStarts(text), () => undefined);
  const kept = retainedForTests() as unknown as { lexer: { buffer?: string }; parser: { onNewLine?: unknown; source?: string } } | undefined;
  assert.ok(kept, 'the last lexer and parser are kept');
  assert.equal(kept.lexer.buffer, '', "the lexer's copy of the text is dropped");
  assert.equal(kept.parser.onNewLine, undefined, "the parser's new-line callback (a line table) is dropped");
  assert.equal(kept.parser.source, '');
});
