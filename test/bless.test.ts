// `npm run bless` (test/support/bless.ts): the annotation writer on small inputs, the whole
// fixture tree blessed in a temporary copy (an up-to-date tree changes no file, which also
// shows that the writer and parseAnnotations agree on every fixture), and the report.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe as suite, test } from 'node:test';
import { type Actual, parseAnnotations } from './support/annotations';
import { BlessError, blessCase, blessFixtures, formatReport, writeAnnotations } from './support/bless';
import { tempDir } from './support/tempDir';

const RULE_FIXTURES = path.join(__dirname, '..', '..', 'test', 'rules');

/** A finding as annotations compare them (0-based line and columns). */
function found(line: number, startCol: number, endCol: number, message = 'the message', ruleId = 'RTY006', severity = 'warning'): Actual {
  return { ruleId, severity, line, startCol, endCol, message };
}

const lines = (...l: string[]) => l.join('\n');

suite('the annotation writer', () => {
  const design = lines('retry:', '  backoff: fixed', '  max_attempts: 3', '');

  test('a new finding is written under its line, with its message', () => {
    assert.equal(
      writeAnnotations(design, [found(1, 11, 16)]),
      lines('retry:', '  backoff: fixed', '#          ^^^^^ RTY006 warning: the message', '  max_attempts: 3', ''),
    );
  });

  test('an annotation whose finding went away is removed, and nothing else', () => {
    const text = lines('retry:   # a comment', '  backoff: fixed', '#          ^^^^^ RTY006 warning', '', '  max_attempts: 3', '');
    assert.equal(writeAnnotations(text, []), lines('retry:   # a comment', '  backoff: fixed', '', '  max_attempts: 3', ''));
  });

  test('a moved range is rewritten, keeping the choice of message of each annotation', () => {
    const text = lines('a: fixed fixed', '#  ^^^^^ RTY006 warning', '#        ^^^^^ RTY007 info: old text', '');
    assert.equal(
      writeAnnotations(text, [found(0, 9, 14, 'six'), found(0, 3, 8, 'seven', 'RTY007', 'info')]),
      lines('a: fixed fixed', '#        ^^^^^ RTY006 warning', '#  ^^^^^ RTY007 info: seven', ''),
    );
  });

  test('a changed message is rewritten where the annotation states one, and not asserted where it does not', () => {
    const text = lines('a: fixed fixed', '#  ^^^^^ RTY006 warning: old text', '#        ^^^^^ RTY007 info', '');
    assert.equal(
      writeAnnotations(text, [found(0, 3, 8, 'new text'), found(0, 9, 14, 'also new', 'RTY007', 'info')]),
      lines('a: fixed fixed', '#  ^^^^^ RTY006 warning: new text', '#        ^^^^^ RTY007 info', ''),
    );
  });

  test('an annotation that still matches is kept exactly as written', () => {
    const text = lines('a: fixed', '#  ^^^^^   RTY006   warning:  the message  ', '');
    assert.equal(writeAnnotations(text, [found(0, 3, 8, ' the message  ')]), text);
  });

  test('a finding on the last line of a file without a final line end: the annotation becomes the last line', () => {
    assert.equal(writeAnnotations('a: 1\nb: fixed', [found(1, 3, 8)]), 'a: 1\nb: fixed\n#  ^^^^^ RTY006 warning: the message');
    assert.equal(writeAnnotations('a: 1\nb: fixed\n#  ^^^^^ RTY006 warning', []), 'a: 1\nb: fixed');
  });

  test('a finding on the last line of a file with a final line end: it stays', () => {
    assert.equal(writeAnnotations('a: 1\nb: fixed\n', [found(1, 3, 8)]), 'a: 1\nb: fixed\n#  ^^^^^ RTY006 warning: the message\n');
  });

  test('two findings on one line: by column, the one already annotated keeps its place and text', () => {
    const text = lines('x: {a: fixed, b: fixed}', '#                ^^^^^ RTY006 warning', '');
    assert.equal(
      writeAnnotations(text, [found(0, 17, 22, 'second'), found(0, 7, 12, 'first'), found(0, 3, 23, 'outer', 'RTY007', 'info')]),
      lines(
        'x: {a: fixed, b: fixed}',
        '#  ^^^^^^^^^^^^^^^^^^^^ RTY007 info: outer',
        '#      ^^^^^ RTY006 warning: first',
        '#                ^^^^^ RTY006 warning',
        '',
      ),
    );
  });

  test('under a line that starts with `#`, at column 1: the `#^^^` form, read back against that line', () => {
    const text = lines('design: x', '# review-ignore DSN002:', 'chanels: []', '');
    const out = writeAnnotations(text, [found(1, 0, 23, 'no reason', 'DSN007'), found(2, 0, 7, 'unknown', 'DSN002')]);
    assert.equal(
      out,
      lines(
        'design: x',
        '# review-ignore DSN002:',
        '#^^^^^^^^^^^^^^^^^^^^^^ DSN007 warning: no reason',
        'chanels: []',
        '#^^^^^^ DSN002 warning: unknown',
        '',
      ),
    );
    assert.deepEqual(
      parseAnnotations(out).map((e) => [e.ruleId, e.line, e.startCol, e.endCol]),
      [
        ['DSN007', 1, 0, 23],
        ['DSN002', 3, 0, 7],
      ],
    );
  });

  test('an empty range is written with `(empty)`, at column 1 too', () => {
    assert.equal(writeAnnotations('ab: 1\n', [found(0, 0, 0), found(0, 3, 3)]), 'ab: 1\n#^ RTY006 warning (empty): the message\n#  ^ RTY006 warning (empty): the message\n');
  });

  test('CRLF input: the line ends, a BOM and the other lines stay; new lines take CRLF', () => {
    const text = '\uFEFF# check: RTY006\r\nretry:\r\n  backoff: fixed\r\n#          ^^^^^ RTY007 info\r\n  max_attempts: 3\r\n';
    assert.equal(
      writeAnnotations(text, [found(2, 11, 16)]),
      '\uFEFF# check: RTY006\r\nretry:\r\n  backoff: fixed\r\n#          ^^^^^ RTY006 warning: the message\r\n  max_attempts: 3\r\n',
    );
  });

  test('a finding no annotation can mark leaves the text alone, with the reason', () => {
    assert.throws(() => writeAnnotations('a: b\n', [found(0, 1, 3)]), { name: 'Error', message: /1:2-4 RTY006 warning: the message: starts at column 2, which an annotation cannot mark/ });
    assert.throws(() => writeAnnotations('a: b\n', [found(0, 0, 1)]), /one column wide at column 1/);
    assert.throws(() => writeAnnotations('a: |\n  b\n', [found(0, 3, -1)]), /the finding spans lines/);
    assert.throws(() => writeAnnotations('a: b\rc: d\n', [found(0, 3, 4)]), /a carriage return without a line feed/);
    assert.throws(() => writeAnnotations('a: b\n', [found(0, 3, 4, 'two\nlines')]), BlessError);
  });
});

suite('blessing a case with the engine', () => {
  test('the findings of the rules under `# check:` are written, the others not', () => {
    const text = lines(
      '# check: RTY006',
      'design: shop',
      'dsl: 1',
      'services:',
      '  - name: orders',
      '    operations:',
      '      - name: get',
      '        type: query',
      '        timeout: 1s',
      '        calls:',
      '          - {to: orders.get, timeout: 1s, retry: {max_attempts: 3, backoff: fixed}}',
      '',
    );
    assert.equal(
      blessCase(text),
      text +
        '#                                                                           ^^^^^ RTY006 warning: the call to `orders.get` retries at a fixed interval: while the target recovers, the retries keep arriving at the same rate\n',
    );
    assert.equal(blessCase(blessCase(text)), blessCase(text), 'blessing twice changed the text');
  });
});

suite('blessing fixture folders', () => {
  test('bless over every fixture of test/rules changes no file: each annotation reads back as it is written', () => {
    const copy = tempDir({}, 'ddr-bless-');
    fs.cpSync(RULE_FIXTURES, copy, { recursive: true });
    const before = new Map(listFiles(copy).map((f) => [f, fs.readFileSync(f)]));
    const report = blessFixtures(copy);
    assert.deepEqual({ written: report.written, created: report.created, left: report.left }, { written: [], created: [], left: [] });
    assert.ok(report.unchanged > 150, `only ${report.unchanged} files blessed`);
    assert.deepEqual(listFiles(copy), [...before.keys()]);
    for (const [f, bytes] of before) {
      assert.ok(fs.readFileSync(f).equals(bytes), `${path.relative(copy, f)} changed`);
    }
  });

  test('stale annotations are rewritten, a .fixed.yaml created or rewritten, one no longer fixed left; all reported', () => {
    const plain = lines('# check: RTY006', 'design: shop', 'dsl: 1', 'services:', '  - name: orders', '    operations:', '      - name: get', '        type: query', '        timeout: 1s', '        calls:');
    const call = (backoff: string) => `          - {to: orders.get, timeout: 1s, retry: {max_attempts: 3, backoff: ${backoff}}}\n`;
    const caret = '#                                                                           ^^^^^ RTY006 warning\n';
    const root = tempDir({
      'fixed-backoff/stale.yaml': plain + '\n' + call('fixed') + '#  ^ RTY007 info\n',
      'fixed-backoff/was-fixed.yaml': plain + '\n' + call('exponential-jitter'),
      'fixed-backoff/was-fixed.fixed.yaml': 'old\n',
      'fixed-backoff/rewritten.yaml': plain + '\n' + call('fixed') + caret,
      'fixed-backoff/rewritten.fixed.yaml': 'old\n',
      'fixed-backoff/orphan.fixed.yaml': 'old\n',
      'no-such-rule/case.yaml': 'design: x\n',
    });
    const report = blessFixtures(root);
    const jitter = plain + '\n' + call('exponential-jitter');
    const message = ': the call to `orders.get` retries at a fixed interval: while the target recovers, the retries keep arriving at the same rate\n';
    assert.equal(read(root, 'fixed-backoff/stale.yaml'), plain + '\n' + call('fixed') + caret.replace('\n', message));
    assert.equal(read(root, 'fixed-backoff/stale.fixed.yaml'), jitter + caret.replace('\n', message));
    assert.equal(read(root, 'fixed-backoff/rewritten.fixed.yaml'), jitter + caret);
    assert.equal(read(root, 'fixed-backoff/was-fixed.fixed.yaml'), 'old\n');
    assert.equal(
      formatReport(report, root),
      [
        'written  fixed-backoff/rewritten.fixed.yaml',
        'written  fixed-backoff/stale.yaml',
        'created  fixed-backoff/stale.fixed.yaml',
        'left     fixed-backoff/orphan.fixed.yaml: no case of that name beside it',
        'left     fixed-backoff/was-fixed.fixed.yaml: RTY006 no longer fixes anything in was-fixed.yaml: delete it if that is right',
        'left     no-such-rule: names no rule of the registry',
        'bless: 2 written, 1 created, 3 left, 2 unchanged',
      ].join('\n'),
    );
  });
});

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .sort();
}

function read(root: string, rel: string): string {
  return fs.readFileSync(path.join(root, rel), 'utf8');
}
