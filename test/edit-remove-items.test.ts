// Editor.removeItems: several items of one list removed by edits that never overlap,
// in flow and block sequences, keeping the comments on the removed lines.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../server/src/engine/analyze';
import { applyEdits } from '../server/src/engine/types';
import { Editor } from '../server/src/engine/yaml/edit';

/** Removes the items at `indices` of the `retry_on` of the first call's retry policy. */
function remove(text: string, indices: number[]): string | undefined {
  const a = analyze(text);
  const retry = a.design.all.find((e) => e.kind === 'retry');
  const f = retry?.fields.get('retry_on');
  assert.ok(f, 'the fixture has a retry_on');
  const edits = new Editor(text).removeItems(f, indices);
  return edits && applyEdits(text, edits);
}

const design = (retryOn: string) =>
  `design: d\ndsl: 1\nservices:\n  - name: a\n    operations:\n      - name: b\n        calls:\n          - to: x.y\n            external: true\n            retry:\n              retry_on: ${retryOn}\n`;

test('flow: separated items, a run of neighbours, the last items, every item', () => {
  assert.equal(remove(design('[400, 503, 404, 502]'), [0, 2]), design('[503, 502]'));
  assert.equal(remove(design('[503, 400, 404, 502]'), [1, 2]), design('[503, 502]'));
  assert.equal(remove(design('[503, 502, 400, 404]'), [2, 3]), design('[503, 502]'));
  assert.equal(remove(design('[400, 503, 404]'), [0, 2]), design('[503]'));
  assert.equal(remove(design('[ 400,404 ]'), [0, 1]), design('[  ]'));
  assert.equal(remove(design("[400, 'x', 404]"), [1]), design('[400, 404]'));
});

test('block: several items go with their lines, their trailing comments stay', () => {
  const before = design('\n                - 400   # bad request\n                - 503\n                - 404\n');
  const after = design('\n                # bad request\n                - 503\n');
  assert.equal(remove(before, [0, 2]), after);
});

test('block: removing every item leaves [] with the comments kept', () => {
  const before = design('   # codes\n                - 400   # first\n                - 404\n                - 422   # last\n');
  assert.equal(remove(before, [0, 1, 2]), design('[] # codes\n                # first\n                # last\n'));
});

test('nothing to remove is no edit; an index past the end is ignored', () => {
  const text = design('[400, 503]');
  assert.equal(remove(text, []), text);
  assert.equal(remove(text, [0, 9]), design('[503]'));
});
