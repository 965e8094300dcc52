// The TextMate grammar: its scopes on a fixture (vscode-tmgrammar-test, which runs the
// same vscode-textmate engine as VS Code), that it is generated from the current schema,
// and that the manifest contributes it.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { GRAMMAR_PATH, grammarText, ROOT } from '../client/src/build/generate';
import { SCOPE } from '../client/src/build/grammar';

const FIXTURE = path.join(ROOT, 'test', 'grammar', 'highlighting.yaml');
const CLI = path.join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');

function runGrammarTest(fixture: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, '--compact', '-g', GRAMMAR_PATH, fixture], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('the grammar gives the fixture the scopes its assertions name', () => {
  const { status, out } = runGrammarTest(FIXTURE);
  assert.equal(status, 0, out);
  assert.match(out, /highlighting\.yaml run successfuly/);
  // The fixture asserts something on most of its lines: a grammar that gave up early fails.
  const assertions = fs.readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => /^#\s*(\^|<-)/.test(l));
  assert.ok(assertions.length >= 60, `only ${assertions.length} assertions`);
});

test('a wrong scope in the fixture fails the grammar test (the test can fail)', () => {
  const text = fs.readFileSync(FIXTURE, 'utf8').replace('constant.language.enum.delivery.distributed-design', 'constant.language.enum.wrong.distributed-design');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-grammar-'));
  try {
    const tmp = path.join(dir, 'wrong.yaml');
    fs.writeFileSync(tmp, text);
    const { status, out } = runGrammarTest(tmp);
    assert.notEqual(status, 0, out);
    assert.match(out, /constant\.language\.enum\.wrong\.distributed-design/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the committed grammar is the one the schema generates', () => {
  assert.equal(
    fs.readFileSync(GRAMMAR_PATH, 'utf8'),
    grammarText(),
    'syntaxes/distributed-design.tmLanguage.json is stale: run `npm run build && node out/client/src/build/generate.js`',
  );
});

test('the manifest contributes the grammar for the language', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const grammars = pkg.contributes?.grammars ?? [];
  const g = grammars.find((x: { language?: string }) => x.language === 'distributed-design');
  assert.ok(g, 'no grammar contributed for distributed-design');
  assert.equal(g.scopeName, SCOPE);
  assert.equal(path.resolve(ROOT, g.path), GRAMMAR_PATH);
  assert.equal(JSON.parse(fs.readFileSync(GRAMMAR_PATH, 'utf8')).scopeName, SCOPE);
});
