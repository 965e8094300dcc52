// The layers hold one way, and facts about rules stay in the rules (issue 16, items 4 and
// 6). Both read the sources with the TypeScript compiler's own scanner, so a string, a
// comment and an import are told apart as tsc tells them apart.
//
// Layers:
//   server/src/engine   the pure engine: imports nothing of lsp/, cli/ or client/, and no
//                       editor package (`vscode*`).
//   server/src/cli      the command; server/src/lsp the language server. Neither imports
//                       the other, but for one edge: cli/main.ts, the `ddr` entry module,
//                       loads the language server (lazily) for `ddr lsp`.
//   client/src          the VS Code extension: imports nothing from server/src/engine or
//                       server/src/lsp (rules come from the server or from generated JSON).
//                       client/src/build is not part of the extension: it is the build-time
//                       generator (`npm run gen`) that writes the grammar and package.json
//                       from the schema and the registry, so it reads the engine.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe as suite, test } from 'node:test';
import * as ts from 'typescript';
import { RULES } from '../server/src/engine/registry';

const ROOT = path.join(__dirname, '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const rel = `${d}/${e.name}`;
      if (e.isDirectory()) {
        walk(rel);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        out.push(rel);
      }
    }
  };
  walk(dir);
  return out.sort();
}

const FILES = [...sources('server/src'), ...sources('client/src')];

/** Every module a file imports: `import … from`, `export … from`, `import x = require()`, `require()`, `import()`. */
export function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** What an import names: a repository path for a relative import, else the package. */
function target(from: string, spec: string): string {
  if (!spec.startsWith('.')) {
    return spec;
  }
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
}

const under = (p: string, dir: string) => p === dir || p.startsWith(dir + '/');

/** Why an edge breaks the layering, or undefined when it does not. */
export function violation(from: string, to: string): string | undefined {
  if (under(from, 'server/src/engine')) {
    if (['server/src/lsp', 'server/src/cli', 'client'].some((d) => under(to, d)) || /^vscode/.test(to)) {
      return 'the engine imports nothing of lsp/, cli/, client/ or an editor package';
    }
  }
  if (under(from, 'server/src/cli') && under(to, 'server/src/lsp') && from !== 'server/src/cli/main.ts') {
    return 'cli/ imports lsp/ only through the entry module cli/main.ts (`ddr lsp`)';
  }
  if (under(from, 'server/src/lsp') && under(to, 'server/src/cli')) {
    return 'lsp/ does not import cli/';
  }
  if (under(from, 'client/src') && !under(from, 'client/src/build') && (under(to, 'server/src/engine') || under(to, 'server/src/lsp'))) {
    return 'the client imports nothing from server/src/engine or server/src/lsp';
  }
  return undefined;
}

/**
 * Edges against the layering that are known and not fixed yet, each with what fixes it.
 * The test fails when one goes away too, so that the list never outlives its edges.
 */
const KNOWN: Record<string, string> = {
  // issue 16, item 6: client/src/extension.ts was being edited by another change at the
  // time; fix: move nodeFlags.ts to a module both may import (e.g. server/src/shared/).
  'client/src/extension.ts -> server/src/lsp/nodeFlags': 'issue 16, item 6',
  // issue 16, item 6: writeWhole (atomic write) lives in cli/io.ts; fix: move it to a
  // module below both (e.g. server/src/shared/io.ts).
  'server/src/lsp/bundleLoader.ts -> server/src/cli/io': 'issue 16, item 6',
};

function edges(): Array<{ from: string; to: string; line: number }> {
  const out: Array<{ from: string; to: string; line: number }> = [];
  for (const from of FILES) {
    const text = fs.readFileSync(path.join(ROOT, from), 'utf8');
    for (const f of ts.preProcessFile(text, true, true).importedFiles) {
      out.push({ from, to: target(from, f.fileName), line: ts.getLineAndCharacterOfPosition(ts.createSourceFile(from, text, ts.ScriptTarget.Latest), f.pos).line + 1 });
    }
  }
  return out;
}

suite('layers one way', () => {
  test('the import graph has no edge against the layering but the known ones', () => {
    const all = edges();
    assert.ok(all.length > 300, `the graph was read (${all.length} edges)`);
    const found = new Map<string, string>();
    for (const e of all) {
      const why = violation(e.from, e.to);
      if (why) {
        found.set(`${e.from} -> ${e.to}`, `${e.from}:${e.line}: imports ${e.to}: ${why}`);
      }
    }
    const unexpected = [...found].filter(([k]) => !(k in KNOWN)).map(([, v]) => v);
    assert.deepEqual(unexpected, [], 'edges against the layering');
    const gone = Object.keys(KNOWN).filter((k) => !found.has(k));
    assert.deepEqual(gone, [], 'known exceptions that no longer exist: remove them from KNOWN');
  });

  test('the rules: an edge against each layer is found', () => {
    assert.match(violation('server/src/engine/hover.ts', 'server/src/lsp/diagnostics') ?? '', /engine/);
    assert.match(violation('server/src/engine/hover.ts', 'vscode-languageserver/node') ?? '', /engine/);
    assert.match(violation('server/src/cli/lint.ts', 'server/src/lsp/server') ?? '', /entry module/);
    assert.equal(violation('server/src/cli/main.ts', 'server/src/lsp/server'), undefined);
    assert.match(violation('server/src/lsp/server.ts', 'server/src/cli/lint') ?? '', /lsp/);
    assert.match(violation('client/src/commands.ts', 'server/src/engine/registry') ?? '', /client/);
    assert.equal(violation('client/src/build/generate.ts', 'server/src/engine/registry'), undefined);
    assert.deepEqual(importsOf("import a from './a';\nconst b = require('../b');\nexport * from './c';\nconst d = () => import('./d');\nimport e = require('e');"), ['./a', '../b', './c', './d', 'e']);
  });
});

/** A rule id, as the catalog spells them. */
const RULE_ID = /\b(DSN|DLV|RTY|DUP|TMO|PAR|CNS|ORD)\d{3}\b/g;

/**
 * Rule ids in user-facing examples (help text, a setting's description): not facts about a
 * rule, but they must name rules that exist (checked below), so they cannot go stale.
 */
const EXAMPLES: Record<string, string[]> = {
  'server/src/cli/main.ts': ['RTY003'],
  'server/src/cli/rules.ts': ['DLV001'],
  'client/src/build/generate.ts': ['RTY011', 'TMO001'],
};

/**
 * The rule ids in a source's code: string and template literals, identifiers. Comments
 * are left out: they explain, and no reader of the code acts on them.
 */
export function ruleIdsInCode(text: string): Array<{ id: string; pos: number }> {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const out: Array<{ id: string; pos: number }> = [];
  // Open braces inside each `${` of the templates being read.
  const templates: number[] = [];
  let prev = ts.SyntaxKind.Unknown;
  const endsOperand = new Set([
    ts.SyntaxKind.Identifier,
    ts.SyntaxKind.CloseParenToken,
    ts.SyntaxKind.CloseBracketToken,
    ts.SyntaxKind.NumericLiteral,
    ts.SyntaxKind.StringLiteral,
    ts.SyntaxKind.NoSubstitutionTemplateLiteral,
    ts.SyntaxKind.TemplateTail,
    ts.SyntaxKind.ThisKeyword,
  ]);
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
    if ((k === ts.SyntaxKind.SlashToken || k === ts.SyntaxKind.SlashEqualsToken) && !endsOperand.has(prev)) {
      k = scanner.reScanSlashToken(); // a regular expression, where one can stand
    } else if (k === ts.SyntaxKind.TemplateHead) {
      templates.push(0);
    } else if (k === ts.SyntaxKind.OpenBraceToken && templates.length) {
      templates[templates.length - 1]++;
    } else if (k === ts.SyntaxKind.CloseBraceToken && templates.length) {
      if (templates[templates.length - 1] === 0) {
        k = scanner.reScanTemplateToken(false); // the rest of the template after `${…}`
        if (k === ts.SyntaxKind.TemplateTail) {
          templates.pop();
        }
      } else {
        templates[templates.length - 1]--;
      }
    }
    prev = k;
    const token = scanner.getTokenText();
    for (const m of token.matchAll(RULE_ID)) {
      out.push({ id: m[0], pos: scanner.getTokenPos() + m.index! });
    }
  }
  return out;
}

suite('no literal rule id outside its rule', () => {
  test('no source outside server/src/engine/rules names a rule by its id (help-text examples aside)', () => {
    const found: string[] = [];
    for (const file of FILES) {
      if (under(file, 'server/src/engine/rules')) {
        continue;
      }
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
      for (const { id, pos } of ruleIdsInCode(text)) {
        if (EXAMPLES[file]?.includes(id)) {
          continue;
        }
        found.push(`${file}:${sf.getLineAndCharacterOfPosition(pos).line + 1}: ${id}`);
      }
    }
    assert.deepEqual(found, [], 'a fact about a rule belongs in its declaration (server/src/engine/rule.ts)');
  });

  test('the ids of help-text examples name rules that exist, and still stand in their files', () => {
    const ids = new Set(RULES.map((r) => r.id));
    for (const [file, examples] of Object.entries(EXAMPLES)) {
      const inCode = new Set(ruleIdsInCode(fs.readFileSync(path.join(ROOT, file), 'utf8')).map((x) => x.id));
      for (const id of examples) {
        assert.ok(ids.has(id), `${file}: ${id} is no rule`);
        assert.ok(inCode.has(id), `${file} no longer names ${id}: remove it from EXAMPLES`);
      }
    }
  });

  test('the scanner finds ids in strings, templates and regular expressions, not in comments', () => {
    const text = "// DSN001 in a comment\nconst a = 'DSN002';\nconst b = `x ${a} RTY003 ${a} TMO004`;\nconst c = /ORD005/;\n/* CNS006 */";
    assert.deepEqual(ruleIdsInCode(text).map((x) => x.id), ['DSN002', 'RTY003', 'TMO004', 'ORD005']);
  });
});
