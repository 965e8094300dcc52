// Bad input gets a finding, never a crash or a hang (issue: foundation).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../server/src/engine/analyze';
import { LineMap } from '../server/src/engine/positions';

function brief(text: string) {
  const a = analyze(text);
  assert.deepEqual(a.ruleErrors, []);
  const map = new LineMap(text);
  for (const f of a.findings) {
    assert.ok(f.range[0] >= 0 && f.range[1] <= text.length && f.range[0] <= f.range[1], `range inside the text: ${JSON.stringify(f)}`);
  }
  return a.findings.map((f) => {
    const s = map.position(f.range[0]);
    return `${s.line + 1}:${s.character + 1} ${f.ruleId} ${f.severity} ${f.message}`;
  });
}

test('an empty file: the design needs `design` and `dsl`, at line 1', () => {
  assert.deepEqual(brief(''), ['1:1 DSN006 error the design needs `design` and `dsl`']);
  assert.deepEqual(brief('# only a comment\n'), ['1:1 DSN006 error the design needs `design` and `dsl`']);
});

test('a list or a scalar at the top is DSN003 on its first line', () => {
  assert.deepEqual(brief('- a\n- b\n'), ['1:1 DSN003 error a design must be a mapping of keys (design, dsl, services, ...), not a list']);
  assert.deepEqual(brief('just words\n'), ['1:1 DSN003 error a design must be a mapping of keys (design, dsl, services, ...), not a scalar']);
});

test('invalid YAML: each error on its own line and column', () => {
  const text = 'design: x\ndsl: 1\nservices:\n  - name: a\n    description: a: b\n  - name: b\n\tdescription: tab\n';
  assert.deepEqual(brief(text), [
    '5:18 DSN001 error nested mappings are not allowed in compact mappings',
    '7:1 DSN001 error tabs are not allowed as indentation',
  ]);
});

test('wrong types everywhere are DSN003, one per value, no crash', () => {
  const text = [
    'design: [x]',
    'dsl: "1"',
    'requirements: 5',
    'services:',
    '  - 7',
    '  - name: {a: 1}',
    '    operations: {x: 1}',
    'channels: [[1]]',
    'data: yes',
    'workflows: {}',
    'review: []',
    '',
  ].join('\n');
  const got = brief(text);
  assert.ok(got.every((l) => / DSN00[36] /.test(l)), got.join('\n'));
  assert.equal(got.filter((l) => / DSN003 /.test(l)).length, 10, got.join('\n'));
});

test('a billion-laughs alias bomb returns at once with DSN001', () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'bcdefghi';
  let prev = 'a';
  for (const n of names) {
    lines.push(`${n}: &${n} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
    prev = n;
  }
  const t0 = Date.now();
  const got = brief(lines.join('\n') + '\n');
  assert.ok(Date.now() - t0 < 500, 'well under a second');
  assert.equal(got.length, 1);
  assert.match(got[0], /^5:8 DSN001 error aliases expand the document past 10000 nodes at \*d \(a possible alias bomb\)/);
});

test('binary junk is a finding, not a crash', () => {
  const junk = Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('');
  const got = brief(junk);
  assert.ok(got.length >= 1);
  assert.ok(got.every((l) => / DSN00[13] /.test(l)), got.slice(0, 5).join('\n'));
});

test('a BOM and CRLF line ends keep exact positions', () => {
  const text = '\uFEFFdesign: x\r\ndsl: 1\r\nservces: []\r\n';
  assert.deepEqual(brief(text), ['3:1 DSN002 warning unknown key `servces` in a design; did you mean `services`?']);
});

test('a 10 MB file is refused with one DSN001 and no hang', () => {
  const unit = 'services:\n' + '  - name: s\n    description: ' + 'x'.repeat(80) + '\n';
  const text = 'design: big\ndsl: 1\n' + unit.repeat(Math.ceil((10 * 1024 * 1024) / unit.length));
  const t0 = Date.now();
  const got = brief(text);
  assert.ok(Date.now() - t0 < 1000);
  assert.deepEqual(got, [`1:1 DSN001 error not analysed: the file is ${(text.length / 1048576).toFixed(1)} MB, over the 4.0 MB limit (setting limits.maxFileSize)`]);
});

test('deep nesting is refused with DSN001, not a stack overflow', () => {
  const text = 'design: deep\ndsl: 1\ndescription: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n';
  const got = brief(text);
  assert.ok(got.some((l) => / DSN001 /.test(l)), got.join('\n'));
});
