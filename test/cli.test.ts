// The `ddr` command as a user runs it: the real bin/ddr.js, spawned on temporary folders,
// with exact output lines, exit codes and file contents.
import { tempDir as makeTempDir } from './support/tempDir';
import { strict as assert } from 'node:assert';
import { spawnSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe as suite, test } from 'node:test';
import { analyze } from '../server/src/engine/analyze';
import { RULES } from '../server/src/engine/registry';
import { escapeData, escapeProperty } from '../server/src/cli/format/github';
import { writeAtomically } from '../server/src/cli/lint';
import { unifiedDiff } from '../server/src/cli/diff';
import { globToRegExp } from '../server/src/cli/files';
import { ruleBlocks, ruleSourcePath, toTerminal } from '../server/src/cli/ruleDocs';
import { EXPLAIN_WIDTH } from '../server/src/cli/rules';
import { SHOP } from './support/designs';

const repoRoot = path.join(__dirname, '..', '..');
const BIN = path.join(repoRoot, 'bin', 'ddr.js');
const VERSION = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

function tempDir(files: Record<string, string | Buffer>): string {
  return makeTempDir(files, 'ddr-cli-');
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ddr(args: string[], cwd: string): Run {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function noStack(r: Run): void {
  assert.doesNotMatch(r.stderr, /\n\s+at /, `a stack trace on stderr:\n${r.stderr}`);
}

// One error (DLV001), one warning with a suggestion for a fix (DSN002) and one info (ORD006).
const FINDINGS = SHOP;
const CLEAN = `design: clean
dsl: 1
channels:
  - name: audit
    delivery: at-most-once
    ordering: none
    out_of_order: entries carry a timestamp
`;
const WARNING_ONLY = `design: warn
dsl: 1
desciption: only a typo
`;

const DSN002 = 'unknown key `desciption` in a design; did you mean `description`?';
const DLV001 = 'channel `order-events` does not declare its delivery guarantee (at-most-once, at-least-once or exactly-once)';
// ORD006's wording belongs to its rule; this file tests how the CLI prints it.
function messageOf(text: string, ruleId: string): string {
  const f = analyze(text).findings.find((x) => x.ruleId === ruleId);
  assert.ok(f, `${ruleId} does not fire on the fixture`);
  return f.message;
}

function project(): string {
  return tempDir({
    'a.design.yaml': FINDINGS,
    'clean.design.yaml': CLEAN,
    'sub/deeper/b.design.yml': WARNING_ONLY,
    'node_modules/pkg/x.design.yaml': FINDINGS,
    '.git/y.design.yaml': FINDINGS,
    'notes.yaml': 'not: [a design\n',
  });
}

suite('ddr lint: text', () => {
  test('one line per finding, `file:line:col  severity  RULEID  message`, then the summary; exit 1 on errors', () => {
    const dir = project();
    const r = ddr(['lint'], dir);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      [
        `a.design.yaml:4:1  warning  DSN002  ${DSN002}`,
        `a.design.yaml:6:11  error  DLV001  ${DLV001}`,
        `a.design.yaml:7:15  info  ORD006  ${messageOf(FINDINGS, 'ORD006')}`,
        `sub/deeper/b.design.yml:3:1  warning  DSN002  unknown key \`desciption\` in a design; did you mean \`description\`?`,
        '1 error, 2 warnings, 1 info in 3 files',
        '',
      ].join('\n'),
    );
    assert.equal(r.code, 1);
  });

  test('paths are relative to the working folder', () => {
    const dir = project();
    const r = ddr(['lint', 'b.design.yml'], path.join(dir, 'sub', 'deeper'));
    assert.match(r.stdout, /^b\.design\.yml:3:1 {2}warning {2}DSN002 {2}/);
    const up = ddr(['lint', '../a.design.yaml'], path.join(dir, 'sub'));
    assert.match(up.stdout, /^\.\.\/a\.design\.yaml:4:1 {2}warning/);
  });

  test('a clean file: `no findings in 1 file`, exit 0', () => {
    const dir = project();
    const r = ddr(['lint', 'clean.design.yaml'], dir);
    assert.deepEqual(r, { code: 0, stdout: 'no findings in 1 file\n', stderr: '' });
  });

  test('no colour when stdout is not a terminal; --color forces it', () => {
    const dir = project();
    assert.doesNotMatch(ddr(['lint', 'a.design.yaml'], dir).stdout, /\u001b\[/);
    const colored = ddr(['lint', '--color', 'a.design.yaml'], dir).stdout;
    assert.match(colored, /\u001b\[31merror\u001b\[0m/);
    assert.doesNotMatch(ddr(['lint', '--no-color', 'a.design.yaml'], dir).stdout, /\u001b\[/);
  });

  test('--quiet reports errors only', () => {
    const dir = project();
    const r = ddr(['lint', '--quiet', 'a.design.yaml'], dir);
    assert.equal(r.stdout, `a.design.yaml:6:11  error  DLV001  ${DLV001}\n1 error, 0 warnings, 0 infos in 1 file\n`);
    assert.equal(r.code, 1);
  });

  test('--rule overrides a severity or turns a rule off, by id or name', () => {
    const dir = project();
    const off = ddr(['lint', '--rule', 'DLV001=off', '--rule', 'unknown-key=error', 'a.design.yaml'], dir);
    assert.equal(
      off.stdout,
      [`a.design.yaml:4:1  error  DSN002  ${DSN002}`, `a.design.yaml:7:15  info  ORD006  ${messageOf(FINDINGS, 'ORD006')}`, '1 error, 0 warnings, 1 info in 1 file', ''].join('\n'),
    );
    assert.equal(off.code, 1);
    const lowered = ddr(['lint', '--rule=DLV001=warning', 'a.design.yaml'], dir);
    assert.equal(lowered.code, 0);
    assert.match(lowered.stdout, /a\.design\.yaml:6:11 {2}warning {2}DLV001/);
  });

  test('-o writes the report to a file and nothing to stdout', () => {
    const dir = project();
    const r = ddr(['lint', 'clean.design.yaml', '-o', 'report.txt'], dir);
    assert.equal(r.stdout, '');
    assert.equal(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8'), 'no findings in 1 file\n');
    assert.equal(r.code, 0);
  });
});

suite('ddr lint: exit codes', () => {
  test('warnings alone exit 0; more than --max-warnings exit 1', () => {
    const dir = tempDir({ 'w.design.yaml': WARNING_ONLY });
    assert.equal(ddr(['lint'], dir).code, 0);
    assert.equal(ddr(['lint', '--max-warnings', '1'], dir).code, 0);
    const over = ddr(['lint', '--max-warnings', '0'], dir);
    assert.equal(over.code, 1);
    assert.equal(over.stderr, 'ddr: 1 warning, more than --max-warnings 0\n');
  });

  test('usage errors exit 2 with one line on stderr and a pointer to --help', () => {
    const dir = project();
    const cases: Array<[string[], string]> = [
      [['lint', '--formt', 'json'], 'ddr: unknown option `--formt` (did you mean `--format`?)'],
      [['lint', '--format', 'xml'], 'ddr: unknown format `xml`: use text, json, sarif, github'],
      [['lint', '--max-warnings', 'lots'], 'ddr: --max-warnings needs a whole number ≥ 0, not `lots`'],
      [['lint', '--rule', 'DLV01=off'], 'ddr: --rule: unknown rule `DLV01` (did you mean `DLV001`?)'],
      [['lint', '--rule', 'DLV001=loud'], 'ddr: --rule DLV001: unknown level `loud`: use off, error, warning or info'],
      [['lint', '--fix', '--fix-dry-run'], 'ddr: --fix and --fix-dry-run exclude each other'],
      [['lint', '--format'], 'ddr: option `--format` needs a value'],
    ];
    for (const [args, message] of cases) {
      const r = ddr(args, dir);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
      assert.equal(r.stderr, `${message}\nRun \`ddr lint --help\` for usage.\n`, args.join(' '));
    }
  });

  test('a missing path and an unreadable file are reported, the rest is still linted, exit 2', () => {
    const dir = project();
    fs.symlinkSync(path.join(dir, 'nowhere.design.yaml'), path.join(dir, 'broken.design.yaml'));
    const r = ddr(['lint', '.', 'missing.design.yaml'], dir);
    noStack(r);
    assert.equal(r.stderr, 'ddr: no design files found in `missing.design.yaml` (no such file or directory)\nddr: broken.design.yaml: no such file or directory\n');
    assert.match(r.stdout, /^a\.design\.yaml:6:11 {2}error {2}DLV001/m);
    assert.match(r.stdout, /1 error, 2 warnings, 1 info in 3 files\n$/);
    assert.equal(r.code, 2);
  });

  test('a FIFO is not read (it would block): reported, exit 2', () => {
    const dir = project();
    const fifo = spawnSync('mkfifo', [path.join(dir, 'pipe.design.yaml')]);
    assert.equal(fifo.status, 0, 'mkfifo');
    const r = ddr(['lint', 'pipe.design.yaml', 'clean.design.yaml'], dir);
    assert.deepEqual(r, { code: 2, stdout: 'no findings in 1 file\n', stderr: 'ddr: pipe.design.yaml: not a regular file\n' });
  });

  test('a path that yields no design is exit 2 with "no design files found in …", and no report before it', () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, 'empty'));
    fs.mkdirSync(path.join(dir, 'docs'));
    fs.writeFileSync(path.join(dir, 'docs', 'notes.yaml'), 'not: a design\n');
    const none = (stderr: string) => ({ code: 2, stdout: '', stderr });
    assert.deepEqual(ddr(['lint', 'nope/'], dir), none('ddr: no design files found in `nope/` (no such file or directory)\n'));
    assert.deepEqual(ddr(['lint', 'empty'], dir), none('ddr: no design files found in `empty`\n'));
    assert.deepEqual(ddr(['lint', 'docs'], dir), none('ddr: no design files found in `docs`\n'));
    assert.deepEqual(ddr(['lint', 'nothing/**/*.design.yaml'], dir), none('ddr: no design files found in `nothing/**/*.design.yaml`\n'));
    assert.deepEqual(ddr(['lint', '--format', 'json', 'empty'], dir), none('ddr: no design files found in `empty`\n'));
    // Without a path, the current folder.
    assert.deepEqual(ddr(['lint'], path.join(dir, 'empty')), none('ddr: no design files found in `.`\n'));
    // Beside a path that has designs: they are still linted, and the run still fails.
    const mixed = ddr(['lint', 'clean.design.yaml', 'empty'], dir);
    assert.deepEqual(mixed, { code: 2, stdout: 'no findings in 1 file\n', stderr: 'ddr: no design files found in `empty`\n' });
  });

  test('--no-error-on-unmatched-pattern skips such paths, as in ESLint', () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, 'empty'));
    const flag = '--no-error-on-unmatched-pattern';
    assert.deepEqual(ddr(['lint', flag, 'nope/', 'empty', 'nothing/*.design.yaml'], dir), { code: 0, stdout: 'no findings in 0 files\n', stderr: '' });
    assert.deepEqual(ddr(['lint', flag, 'empty', 'clean.design.yaml'], dir), { code: 0, stdout: 'no findings in 1 file\n', stderr: '' });
    // It is about paths that match nothing, not about files that cannot be read.
    fs.symlinkSync(path.join(dir, 'nowhere.design.yaml'), path.join(dir, 'broken.design.yaml'));
    assert.deepEqual(ddr(['lint', flag, 'broken.design.yaml'], dir), { code: 2, stdout: '', stderr: 'ddr: broken.design.yaml: no such file or directory\n' });
  });
});

suite('ddr lint: finding files', () => {
  test('folders are walked for *.design.yaml/yml, skipping node_modules and .git', () => {
    const dir = project();
    const r = ddr(['lint', '--format', 'json'], dir);
    const files = (JSON.parse(r.stdout) as Array<{ file: string }>).map((f) => f.file);
    assert.deepEqual(files, ['a.design.yaml', 'clean.design.yaml', 'sub/deeper/b.design.yml']);
  });

  test('globs: *, ** and ?, quoted so the shell leaves them', () => {
    const dir = project();
    const files = (args: string[]) => (JSON.parse(ddr(['lint', '--format', 'json', ...args], dir).stdout) as Array<{ file: string }>).map((f) => f.file);
    assert.deepEqual(files(['*.design.yaml']), ['a.design.yaml', 'clean.design.yaml']);
    assert.deepEqual(files(['**/*.design.y*l']), ['a.design.yaml', 'clean.design.yaml', 'sub/deeper/b.design.yml']);
    assert.deepEqual(files(['sub/**']), ['sub/deeper/b.design.yml']);
    assert.deepEqual(files(['?.design.yaml', 'a.design.yaml']), ['a.design.yaml']);
    // A glob ending in .yaml takes what it matches, design file or not.
    assert.deepEqual(files(['*.yaml', '--quiet']), ['a.design.yaml', 'clean.design.yaml', 'notes.yaml']);
  });

  test('glob syntax', () => {
    const re = globToRegExp('a/**/b?.design.yaml');
    assert.ok(re.test('a/b1.design.yaml'));
    assert.ok(re.test('a/x/y/b1.design.yaml'));
    assert.ok(!re.test('a/x/b12.design.yaml'));
    assert.ok(!re.test('a/.hidden/b1.design.yaml'));
    assert.ok(!globToRegExp('*.yaml').test('.x.yaml'));
    assert.ok(globToRegExp('*.yaml').test('x.yaml'));
    assert.ok(!globToRegExp('*.yaml').test('d/x.yaml'));
  });

  test('a symlinked folder loop ends, and each file is linted once', () => {
    const dir = project();
    fs.symlinkSync('..', path.join(dir, 'sub', 'up'));
    fs.symlinkSync('.', path.join(dir, 'self'));
    const r = ddr(['lint', '--format', 'json'], dir);
    assert.equal(r.code, 1);
    const files = (JSON.parse(r.stdout) as Array<{ file: string }>).map((f) => f.file);
    assert.deepEqual(files, ['a.design.yaml', 'clean.design.yaml', 'sub/deeper/b.design.yml']);
  });

  test('invalid UTF-8 is read with replacement characters: a finding, no crash', () => {
    const dir = tempDir({ 'u.design.yaml': Buffer.concat([Buffer.from('design: shop\ndsl: 1\ndescr'), Buffer.from([0xff]), Buffer.from('ption: x\n')]) });
    const r = ddr(['lint'], dir);
    noStack(r);
    assert.equal(r.stdout, 'u.design.yaml:3:1  warning  DSN002  unknown key `descr\ufffdption` in a design; did you mean `description`?\n0 errors, 1 warning, 0 infos in 1 file\n');
    assert.equal(r.code, 0);
  });
});

suite('ddr lint: json and github', () => {
  test('json: files with their findings, 1-based ranges, rule names, fixability', () => {
    const dir = project();
    const r = ddr(['lint', '--format', 'json', 'a.design.yaml', 'clean.design.yaml'], dir);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), [
      {
        file: 'a.design.yaml',
        findings: [
          { ruleId: 'DSN002', ruleName: 'unknown-key', severity: 'warning', message: DSN002, line: 4, column: 1, endLine: 4, endColumn: 11, related: [], fixable: true },
          { ruleId: 'DLV001', ruleName: 'delivery-undeclared', severity: 'error', message: DLV001, line: 6, column: 11, endLine: 6, endColumn: 23, related: [], fixable: true },
          {
            ruleId: 'ORD006',
            ruleName: 'unordered-consumers-unprepared',
            severity: 'info',
            message: messageOf(FINDINGS, 'ORD006'),
            line: 7,
            column: 15,
            endLine: 7,
            endColumn: 19,
            related: [],
            fixable: !!RULES.find((x) => x.id === 'ORD006')!.fix,
          },
        ],
      },
      { file: 'clean.design.yaml', findings: [] },
    ]);
  });

  test('json: related information with its own range', () => {
    const text = 'design: d\ndsl: 1\nchannels:\n  - name: c\n    delivery: at-most-once\n    ordering: none\n    out_of_order: drop\n  - name: c\n    delivery: at-most-once\n    ordering: none\n    out_of_order: drop\n';
    const dir = tempDir({ 'd.design.yaml': text });
    const out = JSON.parse(ddr(['lint', '--format', 'json'], dir).stdout) as Array<{ findings: Array<{ ruleId: string; line: number; related: unknown[] }> }>;
    const dup = out[0].findings.find((f) => f.ruleId === 'DSN005');
    assert.ok(dup, 'DSN005 on the second channel');
    assert.equal(dup.line, 8);
    assert.deepEqual(dup.related, [{ message: messageOfRelated(text), line: 4, column: 11, endLine: 4, endColumn: 12 }]);
  });

  test('github: one workflow command per finding, severity as error/warning/notice', () => {
    const dir = tempDir({ 'a,b:c.design.yaml': FINDINGS });
    const r = ddr(['lint', '--format', 'github'], dir);
    assert.equal(r.code, 1);
    const file = 'a%2Cb%3Ac.design.yaml';
    assert.equal(
      r.stdout,
      [
        `::warning file=${file},line=4,col=1,endLine=4,endColumn=11,title=DSN002 unknown-key::${DSN002}`,
        `::error file=${file},line=6,col=11,endLine=6,endColumn=23,title=DLV001 delivery-undeclared::${DLV001}`,
        `::notice file=${file},line=7,col=15,endLine=7,endColumn=19,title=ORD006 unordered-consumers-unprepared::${messageOf(FINDINGS, 'ORD006')}`,
        '',
      ].join('\n'),
    );
  });

  test('github escaping: data escapes % CR LF; properties also : and ,', () => {
    assert.equal(escapeData('50% done\r\nnext: a, b'), '50%25 done%0D%0Anext: a, b');
    assert.equal(escapeProperty('50% a:b,c\n'), '50%25 a%3Ab%2Cc%0A');
  });
});

function messageOfRelated(text: string): string {
  const f = analyze(text).findings.find((x) => x.ruleId === 'DSN005');
  return f!.related![0].message;
}

suite('ddr lint --fix', () => {
  // A missing `dsl` (DSN006: `dsl: 1` is safe) beside a key's typo (DSN002: renaming it is
  // a suggestion, rules.md's "Fix classes"): --fix adds the one, leaves the other.
  const TO_FIX = FINDINGS.replace('dsl: 1\n', '');
  const FIXED = TO_FIX.replace('design: shop\n', 'dsl: 1\ndesign: shop\n');

  test('--fix writes the safe fixes, keeps comments, reports what remains; a second --fix changes nothing', () => {
    const dir = tempDir({ 'a.design.yaml': TO_FIX });
    const file = path.join(dir, 'a.design.yaml');
    fs.chmodSync(file, 0o640);
    const r = ddr(['lint', '--fix', 'a.design.yaml'], dir);
    assert.equal(fs.readFileSync(file, 'utf8'), FIXED);
    assert.equal(fs.statSync(file).mode & 0o777, 0o640, 'the file keeps its mode');
    assert.equal(
      r.stdout,
      [
        'a.design.yaml: fixed 1 finding (DSN006)',
        `a.design.yaml:4:1  warning  DSN002  ${DSN002}`,
        `a.design.yaml:6:11  error  DLV001  ${DLV001}`,
        `a.design.yaml:7:15  info  ORD006  ${messageOf(FINDINGS, 'ORD006')}`,
        '1 error, 1 warning, 1 info in 1 file',
        '',
      ].join('\n'),
    );
    assert.equal(r.code, 1);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.includes('.tmp')),
      [],
      'no temporary file is left',
    );
    const again = ddr(['lint', '--fix', 'a.design.yaml'], dir);
    assert.equal(fs.readFileSync(file, 'utf8'), FIXED);
    assert.doesNotMatch(again.stdout, /fixed/);
  });

  test('--fix applies no suggestion: a file whose only fixes are suggestions is left byte for byte', () => {
    // The typo's rename is offered in the editor ("Rename to `description` (changes the
    // design)") but never applied in bulk.
    const dir = project();
    const r = ddr(['lint', '--fix', 'a.design.yaml', 'sub/deeper/b.design.yml'], dir);
    assert.equal(fs.readFileSync(path.join(dir, 'a.design.yaml'), 'utf8'), FINDINGS);
    assert.equal(fs.readFileSync(path.join(dir, 'sub/deeper/b.design.yml'), 'utf8'), WARNING_ONLY);
    assert.doesNotMatch(r.stdout, /fixed/);
    assert.match(r.stdout, /^a\.design\.yaml:4:1 {2}warning {2}DSN002 {2}/m);
    const dry = ddr(['lint', '--fix-dry-run', 'a.design.yaml'], dir);
    assert.deepEqual(dry, { code: 0, stdout: '', stderr: '' });
  });

  test('--fix through a symlink writes the target and keeps the link', () => {
    const dir = tempDir({ 'a.design.yaml': TO_FIX });
    fs.symlinkSync('a.design.yaml', path.join(dir, 'link.design.yaml'));
    ddr(['lint', '--fix', 'link.design.yaml'], dir);
    assert.ok(fs.lstatSync(path.join(dir, 'link.design.yaml')).isSymbolicLink());
    assert.equal(fs.readFileSync(path.join(dir, 'a.design.yaml'), 'utf8'), FIXED);
  });

  test('--fix-dry-run prints a unified diff, writes nothing, exits 1 when there is something to fix', () => {
    const dir = tempDir({ 'a.design.yaml': TO_FIX, 'clean.design.yaml': CLEAN });
    const r = ddr(['lint', '--fix-dry-run', 'a.design.yaml', 'clean.design.yaml'], dir);
    assert.equal(
      r.stdout,
      [
        '--- a/a.design.yaml',
        '+++ b/a.design.yaml',
        '@@ -1,4 +1,5 @@',
        ' # Shop events.',
        '+dsl: 1',
        ' design: shop',
        ' desciption: the shop   # typo',
        ' channels:',
        '',
      ].join('\n'),
    );
    assert.equal(r.code, 1);
    assert.equal(fs.readFileSync(path.join(dir, 'a.design.yaml'), 'utf8'), TO_FIX);
    assert.deepEqual(ddr(['lint', '--fix-dry-run', 'clean.design.yaml'], dir), { code: 0, stdout: '', stderr: '' });
  });

  test('a file with invalid UTF-8 is not rewritten', () => {
    // No `dsl`: a safe fix (`dsl: 1`) that --fix would apply to a readable file.
    const bytes = Buffer.concat([Buffer.from('design: shop\ndescr'), Buffer.from([0xff]), Buffer.from('ption: x\n')]);
    const dir = tempDir({ 'u.design.yaml': bytes });
    const r = ddr(['lint', '--fix'], dir);
    assert.equal(
      r.stderr,
      'ddr: u.design.yaml: not valid UTF-8 (line 2, column 6): read with U+FFFD for the invalid bytes\n' +
        'ddr: u.design.yaml: not fixed: the file is not valid UTF-8, and writing it would replace the invalid bytes\n',
    );
    assert.ok(fs.readFileSync(path.join(dir, 'u.design.yaml')).equals(bytes));
  });

  test('a byte-order mark survives --fix', () => {
    const dir = tempDir({ 'bom.design.yaml': '\ufeff' + TO_FIX });
    ddr(['lint', '--fix'], dir);
    assert.equal(fs.readFileSync(path.join(dir, 'bom.design.yaml'), 'utf8'), '\ufeff' + FIXED);
  });

  test('a file that changed on disk since it was read is not written', () => {
    const dir = tempDir({ 'x.design.yaml': 'now\n' });
    const file = path.join(dir, 'x.design.yaml');
    const problem = writeAtomically(file, Buffer.from('then\n'), 'fixed\n');
    assert.equal(problem, 'not fixed: the file changed on disk while ddr was reading it');
    assert.equal(fs.readFileSync(file, 'utf8'), 'now\n');
    assert.equal(writeAtomically(file, Buffer.from('now\n'), 'fixed\n'), undefined);
    assert.equal(fs.readFileSync(file, 'utf8'), 'fixed\n');
    assert.deepEqual(fs.readdirSync(dir), ['x.design.yaml']);
  });

  test('the diff: hunks with three lines of context, insertions, a missing final newline', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n') + '\n';
    const after = ['a', 'B', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'].join('\n');
    assert.equal(
      unifiedDiff('f.yaml', before, after),
      [
        '--- a/f.yaml',
        '+++ b/f.yaml',
        '@@ -1,5 +1,5 @@',
        ' a',
        '-b',
        '+B',
        ' c',
        ' d',
        ' e',
        '@@ -8,3 +8,4 @@',
        ' h',
        ' i',
        ' j',
        '+k',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
    assert.equal(unifiedDiff('f.yaml', 'x\n', 'x\n'), '');
    assert.equal(unifiedDiff('f.yaml', 'a\n', 'a\nb\n'), '--- a/f.yaml\n+++ b/f.yaml\n@@ -1 +1,2 @@\n a\n+b\n');
  });
});

suite('ddr rules, explain, help', () => {
  test('`ddr rules` is an aligned table of every rule, in checklist order', () => {
    const r = ddr(['rules'], repoRoot);
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^ID {2,}AREA {2,}SEVERITY {2,}NAME$/);
    assert.equal(lines.length, RULES.length + 1);
    const nameAt = lines[0].indexOf('NAME');
    for (const l of lines.slice(1)) {
      assert.match(l.slice(nameAt), /^[a-z][a-z0-9-]+$/, `NAME column aligned: ${l}`);
    }
    assert.ok(lines.some((l) => /^DSN002 +structure +warning +unknown-key$/.test(l)));
    assert.ok(lines.findIndex((l) => l.startsWith('DLV001')) < lines.findIndex((l) => l.startsWith('DSN001')), 'delivery before structure');
  });

  test('`ddr rules --format json` lists every rule with its docs URL and its quote of the knowledge contract', () => {
    const r = ddr(['rules', '--format', 'json'], repoRoot);
    const rules = JSON.parse(r.stdout) as Array<{ id: string; name: string; docsUrl: string; contract: unknown }>;
    assert.equal(rules.length, RULES.length);
    const dsn2 = rules.find((x) => x.id === 'DSN002')!;
    assert.equal(dsn2.name, 'unknown-key');
    assert.match(dsn2.docsUrl, /\/docs\/rules\/DSN002\.md$/);
    const rty6 = rules.find((x) => x.id === 'RTY006')!;
    assert.deepEqual(rty6.contract, {
      name: 'distributed-system-basics',
      section: 'Retry Behavior › Retry Strategy Parameters',
      quote: 'Fixed interval: predictable but may overwhelm recovering service',
    });
  });

  test('`ddr explain` renders the page for a terminal: headings at the margin, code indented, no markup', () => {
    const r = ddr(['explain', 'DSN007'], repoRoot);
    assert.deepEqual(r, {
      code: 0,
      stderr: '',
      stdout: [
        'DSN007 waiver-without-reason',
        '',
        '  area: Structure (structure)',
        '  default severity: warning',
        '  fix: none',
        '',
        '  │ Document recovery procedures for each partial failure scenario',
        '  │',
        '  │ — the knowledge contract (distributed-system-basics), Partial Failure',
        '',
        '  A review.waivers entry or a # review-ignore comment without a reason.',
        '',
        'Why',
        '',
        '  A waiver accepts a risk on the record; without the reason, the next reader',
        '  cannot tell an accepted risk from a silenced one. A waiver without a reason',
        '  waives nothing.',
        '',
        'Example',
        '',
        '  Reported:',
        '',
        '      design: checkout',
        '      dsl: 1',
        '      review:',
        '        waivers:',
        '          - rule: RTY005',
        '',
        '  ddr lint says:',
        '',
        '      5:13  warning  DSN007  the waiver of RTY005 has no `reason`, so it waives nothing',
        '',
        '  Not reported:',
        '',
        '      design: checkout',
        '      dsl: 1',
        '      review:',
        '        waivers:',
        '          - rule: RTY005',
        "            reason: the provider's SLA asks for 6 attempts",
        '',
        'Fix',
        '',
        '  None: only the author knows the reason.',
        '',
      ].join('\n'),
    });
    assert.equal(ddr(['explain', 'waiver-without-reason'], repoRoot).stdout, r.stdout);
    assert.equal(ddr(['explain', 'dsn007'], repoRoot).stdout, r.stdout);
  });

  test('`ddr explain --color` (or a terminal): bold headings, code in cyan, the diff in red and green', () => {
    const r = ddr(['explain', '--color', 'RTY006'], repoRoot);
    assert.equal(r.code, 0);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], '\u001b[1mRTY006 fixed-backoff\u001b[0m');
    assert.equal(lines[2], '  area: Retries (\u001b[36mretries\u001b[0m)');
    assert.ok(lines.includes('\u001b[1mWhy\u001b[0m'));
    assert.ok(lines.includes('\u001b[31m      -              backoff: fixed\u001b[0m'));
    assert.ok(lines.includes('\u001b[32m      +              backoff: exponential-jitter\u001b[0m'));
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '1' };
    delete env.NO_COLOR;
    const forced = spawnSync(process.execPath, [BIN, 'explain', 'RTY006'], { cwd: repoRoot, encoding: 'utf8', env });
    assert.equal(forced.stdout, r.stdout, 'FORCE_COLOR acts as a terminal');
    assert.equal(spawnSync(process.execPath, [BIN, 'explain', 'RTY006'], { cwd: repoRoot, encoding: 'utf8', env: { ...env, NO_COLOR: '1', FORCE_COLOR: '1' } }).stdout, ddr(['explain', 'RTY006'], repoRoot).stdout, 'NO_COLOR wins');
  });

  test('every rule’s terminal page: no Markdown markup, no HTML comment, no escape code without colour', () => {
    // In-process (54 processes would take ten seconds): the renderer `ddr explain` runs.
    for (const rule of RULES) {
      const out = toTerminal(ruleBlocks(rule, ruleSourcePath(rule)), { color: false, width: EXPLAIN_WIDTH });
      // Code (the examples, `ddr lint says:`) is indented six columns: everything else is prose.
      const prose = out.split('\n').filter((l) => !l.startsWith('      '));
      for (const l of prose) {
        assert.doesNotMatch(l, /`|\*\*|<!--|-->|\]\(|^#|^\|/, `${rule.id}: markup in "${l}"`);
        assert.ok(l.length <= EXPLAIN_WIDTH || !l.trim().includes(' '), `${rule.id}: "${l}" is wider than ${EXPLAIN_WIDTH} columns`);
      }
      assert.doesNotMatch(out, /\u001b/, `${rule.id}: escape codes without a terminal`);
      const words = (x: string) => x.replace(/│/g, ' ').replace(/\s+/g, ' ');
      assert.ok(words(out).includes(words(rule.contract.quote)), `${rule.id}: the quote`);
    }
  });

  test('`ddr explain --format md` prints the page as is: docs/rules/<ID>.md', () => {
    const r = ddr(['explain', '--format', 'md', 'DSN002'], repoRoot);
    assert.deepEqual(r, { code: 0, stderr: '', stdout: fs.readFileSync(path.join(repoRoot, 'docs', 'rules', 'DSN002.md'), 'utf8') });
    assert.ok(r.stdout.startsWith('# DSN002 unknown-key\n'));
    assert.match(r.stdout, /<!-- Generated by `npm run gen`/);
    assert.deepEqual(ddr(['explain', '--format', 'html', 'DSN002'], repoRoot), {
      code: 2,
      stdout: '',
      stderr: 'ddr: unknown format `html`: use text or md\nRun `ddr explain --help` for usage.\n',
    });
  });

  test('an unknown rule: exit 2 with the closest id', () => {
    const r = ddr(['explain', 'DSN02'], repoRoot);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'ddr: unknown rule `DSN02` (did you mean `DSN002` unknown-key?); `ddr rules` lists them\nRun `ddr explain --help` for usage.\n');
  });

  test('--help, --version, <cmd> --help; no command or an unknown one exits 2 with usage', () => {
    const help = ddr(['--help'], repoRoot);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: ddr <command>/);
    assert.deepEqual(ddr(['--version'], repoRoot), { code: 0, stdout: VERSION + '\n', stderr: '' });
    assert.match(ddr(['lint', '--help'], repoRoot).stdout, /^Usage: ddr lint \[options\] \[paths\.\.\.\]/);
    assert.match(ddr(['rules', '--help'], repoRoot).stdout, /^Usage: ddr rules/);
    assert.match(ddr(['explain', '--help'], repoRoot).stdout, /^Usage: ddr explain/);
    const none = ddr([], repoRoot);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^Usage: ddr <command>/);
    const unknown = ddr(['lnt'], repoRoot);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^ddr: unknown command `lnt`\n\nUsage: ddr <command>/);
  });

  test('a reader that closes the pipe early (`ddr lint | head`) gets no stack trace', async () => {
    const dir = tempDir({});
    for (let i = 0; i < 40; i++) {
      fs.writeFileSync(path.join(dir, `f${i}.design.yaml`), FINDINGS);
    }
    const child = spawn(process.execPath, [BIN, 'lint', '--format', 'sarif'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 1);
  });

  test('a reader that closes stderr early gets no crash either (stderr is set up on its first use)', async () => {
    const dir = tempDir({});
    // ~250 KB of "no such file" lines: more than a pipe holds, so a write meets the closed pipe.
    const missing = Array.from({ length: 5000 }, (_, i) => `missing-${i}.design.yaml`);
    const child = spawn(process.execPath, [BIN, 'lint', ...missing], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.once('data', () => child.stderr.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    // The run ends with its own code (2: files not found), not with an uncaught EPIPE (1),
    // and with nothing to lint it prints no report.
    assert.equal(code, 2);
    assert.equal(stdout, '');
  });

  test('linting never loads the language server', () => {
    const dir = project();
    const script = `
      const main = require(${JSON.stringify(path.join(repoRoot, 'out', 'server', 'src', 'cli', 'main.js'))});
      const out = [];
      main.main(['lint', '.'], { cwd: ${JSON.stringify(dir)}, env: {}, stdoutIsTTY: false, version: 'x', stdout: (s) => out.push(s), stderr: () => {} });
      const lsp = Object.keys(require.cache).filter((k) => /[\\\\/]lsp[\\\\/]|vscode-languageserver/.test(k));
      process.stdout.write(JSON.stringify({ lsp, out: out.join('').length > 0 }));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(r.stdout), { lsp: [], out: true });
  });

  test('`ddr lsp` starts the language server, or says it is not built', async () => {
    const built = fs.existsSync(path.join(repoRoot, 'out', 'server', 'src', 'lsp', 'server.js'));
    if (!built) {
      assert.deepEqual(ddr(['lsp', '--stdio'], repoRoot), { code: 2, stdout: '', stderr: 'ddr: the language server is not built yet\n' });
      return;
    }
    // Built: it answers `initialize` over stdio.
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    let reply: string;
    let timer: NodeJS.Timeout | undefined;
    try {
      reply = await new Promise<string>((resolve, reject) => {
        let buf = '';
        timer = setTimeout(() => reject(new Error(`no reply to initialize within 20s; stderr: ${stderr}`)), 20_000);
        child.on('exit', (code) => reject(new Error(`the server exited with ${code} before answering; stderr: ${stderr}`)));
        child.stdout.on('data', (d: Buffer) => {
          buf += d.toString('utf8');
          if (/"id":\s*1/.test(buf) && /"capabilities"/.test(buf)) {
            clearTimeout(timer);
            resolve(buf);
          }
        });
      });
    } finally {
      clearTimeout(timer);
      child.kill();
    }
    assert.match(reply, /^Content-Length: \d+\r\n/);
  });
});
