// The language's contribution outside the grammar: the language configuration (comments,
// brackets, indentation and Enter in YAML lists, as VS Code applies them) and the manifest
// parts derived from the engine (the `ddr.severity` setting lists every rule).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { packageText, PACKAGE_PATH, ROOT } from '../client/src/build/generate';
import { RULES } from '../server/src/engine/registry';

interface OnEnterRule {
  beforeText: string;
  afterText?: string;
  action: { indent: 'none' | 'indent' | 'outdent'; appendText?: string };
}

const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'language-configuration.json'), 'utf8')) as {
  comments: { lineComment: string };
  brackets: string[][];
  autoClosingPairs: Array<{ open: string; close: string }>;
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  onEnterRules: OnEnterRule[];
};
const pkg = JSON.parse(fs.readFileSync(PACKAGE_PATH, 'utf8'));

/**
 * What VS Code inserts after Enter at the end of `line` (tab size 2, spaces): the first
 * onEnter rule whose beforeText matches wins; else the indentation rules apply.
 */
function enter(line: string): string {
  const indent = /^\s*/.exec(line)![0];
  for (const r of config.onEnterRules) {
    if (new RegExp(r.beforeText).test(line)) {
      const base = r.action.indent === 'indent' ? indent + '  ' : r.action.indent === 'outdent' ? indent.slice(2) : indent;
      return base + (r.action.appendText ?? '');
    }
  }
  return new RegExp(config.indentationRules.increaseIndentPattern).test(line) ? indent + '  ' : indent;
}

describe('language configuration', () => {
  test('comments are YAML comments; brackets and quotes close', () => {
    assert.equal(config.comments.lineComment, '#');
    assert.deepEqual(config.brackets, [
      ['{', '}'],
      ['[', ']'],
    ]);
    for (const open of ['{', '[', '"', "'"]) {
      assert.ok(config.autoClosingPairs.some((p) => p.open === open), `${open} does not auto-close`);
    }
  });

  test('Enter in a YAML list of mappings lines up with the item\'s keys', () => {
    assert.equal(enter('  - name: orders'), '    ');
    assert.equal(enter('      - to: payments.charge   # the PSP'), '        ');
  });

  test('Enter after a key that opens a block indents under it', () => {
    assert.equal(enter('services:'), '  ');
    assert.equal(enter('    operations:'), '      ');
    assert.equal(enter('          - retry:'), '              ');
    assert.equal(enter('    retry:   # bounded'), '      ');
  });

  test('Enter after a scalar list item continues the list', () => {
    assert.equal(enter('      - R1'), '      - ');
    assert.equal(enter('  - payments.charge times out'), '  - ');
    assert.equal(enter('  - {name: audit, ordering: none}'), '  - ');
  });

  test('Enter after a plain key: value keeps the indentation', () => {
    assert.equal(enter('    timeout: 2s'), '    ');
    assert.equal(enter('design: checkout'), '');
    assert.equal(enter('# a comment: with a colon'), '');
  });

  test('a closing bracket alone on its line outdents', () => {
    assert.ok(new RegExp(config.indentationRules.decreaseIndentPattern).test('    ]'));
    assert.ok(!new RegExp(config.indentationRules.decreaseIndentPattern).test('    - a]'));
  });
});

describe('manifest', () => {
  test('the language: id, both extensions, configuration, icon', () => {
    const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'distributed-design');
    assert.ok(lang);
    assert.deepEqual(lang.extensions, ['.design.yaml', '.design.yml']);
    assert.equal(path.resolve(ROOT, lang.configuration), path.join(ROOT, 'language-configuration.json'));
    for (const p of [lang.icon.light, lang.icon.dark, pkg.icon]) {
      assert.ok(fs.existsSync(path.resolve(ROOT, p)), `${p} is missing`);
    }
    assert.ok(pkg.activationEvents.includes('onLanguage:distributed-design'));
    assert.ok(pkg.activationEvents.includes('workspaceContains:**/*.design.yaml'));
  });

  test('ddr.severity lists every rule of the registry (package.json is regenerated)', () => {
    const text = fs.readFileSync(PACKAGE_PATH, 'utf8');
    const severity = JSON.parse(text).contributes.configuration.properties['ddr.severity'];
    assert.deepEqual(Object.keys(severity.properties), RULES.map((r) => r.id));
    assert.equal(
      JSON.stringify(JSON.parse(packageText(text)).contributes.configuration.properties['ddr.severity']),
      JSON.stringify(severity),
      'package.json is stale: run `npm run build && node out/client/src/build/generate.js`',
    );
  });

  test('every contributed setting has a description, a scope, and the contract\'s defaults', () => {
    const props = pkg.contributes.configuration.properties;
    const want: Record<string, unknown> = {
      'ddr.enable': true,
      'ddr.run': 'onType',
      'ddr.severity': {},
      'ddr.timeouts.interactiveMax': '10s',
      'ddr.timeouts.batchMin': '1s',
      'ddr.limits.maxFileSize': 4194304,
      'ddr.limits.maxFindings': 2000,
      'ddr.limits.maxAliasExpansion': 10000,
      'ddr.limits.maxNestingDepth': 200,
      'ddr.trace.server': 'off',
    };
    assert.deepEqual(Object.keys(props).sort(), Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) {
      assert.deepEqual(props[k].default, v, k);
      assert.ok((props[k].description ?? props[k].markdownDescription ?? '').length > 30, `${k} has no description`);
      assert.equal(props[k].scope, k === 'ddr.trace.server' ? 'window' : 'resource', `${k}: scope`);
    }
  });

  test('every command has a title and a category; menus name contributed commands', () => {
    const ids = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    for (const c of pkg.contributes.commands) {
      assert.ok(c.title && c.category === 'Distributed Design', c.command);
    }
    for (const [menu, entries] of Object.entries(pkg.contributes.menus) as Array<[string, Array<{ command: string }>]>) {
      for (const e of entries) {
        assert.ok(ids.has(e.command), `${menu} names ${e.command}, which is not contributed`);
      }
    }
    const view = pkg.contributes.views['ddr-review'][0];
    assert.equal(view.id, 'ddr.checklist');
    assert.ok(pkg.contributes.viewsContainers.activitybar.some((c: { id: string; title: string }) => c.id === 'ddr-review' && c.title === 'Design Review'));
  });
});
