// Editor.insertKeyAfter and Editor.removeKey: exact text after the edit, in block and flow
// style, with comments, odd indentation, CRLF line ends and merge keys.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { analyze } from '../server/src/engine/analyze';
import type { Element } from '../server/src/engine/model';
import { applyEdits, TextEdit } from '../server/src/engine/types';
import { Editor } from '../server/src/engine/yaml/edit';

function channel(text: string, i = 0): { el: Element; edit: Editor } {
  const a = analyze(text);
  return { el: a.design.channels[i], edit: new Editor(text) };
}

function apply(text: string, e: TextEdit | undefined): string {
  assert.ok(e, 'the edit was declined');
  return applyEdits(text, [e]);
}

const BLOCK = [
  'channels:',
  '  - name: orders      # owned by orders',
  '    delivery: at-least-once   # loss is unacceptable',
  '    consumers:',
  '       - service: billing   # odd indentation',
  '    # the requirements the channel serves',
  '    requirements: [R1]',
  '',
].join('\n');

test('insertKeyAfter: right after the last of the given keys, below its trailing comment', () => {
  const { el, edit } = channel(BLOCK);
  assert.equal(
    apply(BLOCK, edit.insertKeyAfter(el, ['name', 'kind', 'delivery'], 'mechanism', 'idempotent-consumer')),
    BLOCK.replace('# loss is unacceptable\n', '# loss is unacceptable\n    mechanism: idempotent-consumer\n'),
  );
});

test('insertKeyAfter: after a block list value, a nested mapping in block style', () => {
  const { el, edit } = channel(BLOCK);
  assert.equal(
    apply(BLOCK, edit.insertKeyAfter(el, ['consumers'], 'out_of_order', { how: 'reorder', by: 'sequence' })),
    BLOCK.replace('# odd indentation\n', '# odd indentation\n    out_of_order:\n      how: reorder\n      by: sequence\n'),
  );
});

test('insertKeyAfter: none of the keys present falls back to the last key', () => {
  const { el, edit } = channel(BLOCK);
  assert.equal(apply(BLOCK, edit.insertKeyAfter(el, ['kind'], 'ordering', 'none')), BLOCK.replace('[R1]\n', '[R1]\n    ordering: none\n'));
});

test('insertKeyAfter: in a flow mapping, after the pair, quoting what needs it', () => {
  const text = 'channels:\n  - {name: orders, delivery: "at-least-once", requirements: [R1]}  # flow\n';
  const { el, edit } = channel(text);
  assert.equal(
    apply(text, edit.insertKeyAfter(el, ['delivery'], 'out_of_order', 'a: b')),
    'channels:\n  - {name: orders, delivery: "at-least-once", out_of_order: "a: b", requirements: [R1]}  # flow\n',
  );
});

test('insertKeyAfter: a pair a `<<` merge brought in is not a spot', () => {
  const text = [
    'channels:',
    '  - &base',
    '    name: a',
    '    delivery: at-least-once',
    '  - <<: *base',
    '    name: b',
    '    kind: topic',
    '',
  ].join('\n');
  const { el, edit } = channel(text, 1);
  assert.equal(apply(text, edit.insertKeyAfter(el, ['delivery'], 'ordering', 'none')), text.replace('kind: topic\n', 'kind: topic\n    ordering: none\n'));
});

test('insertKeyAfter: CRLF line ends stay CRLF', () => {
  const text = 'channels:\r\n  - name: a\r\n    delivery: at-least-once\r\n    kind: topic\r\n';
  const { el, edit } = channel(text);
  assert.equal(apply(text, edit.insertKeyAfter(el, ['delivery'], 'ordering', 'none')), 'channels:\r\n  - name: a\r\n    delivery: at-least-once\r\n    ordering: none\r\n    kind: topic\r\n');
});

test('removeKey: a block pair goes; its trailing comment stays on its own line', () => {
  const text = 'channels:\n  - name: a\n    delivery: exactly-once\n    mechanism: transactional   # XA\n    ordering: none\n';
  const { el, edit } = channel(text);
  assert.equal(apply(text, edit.removeKey(el, 'mechanism')), 'channels:\n  - name: a\n    delivery: exactly-once\n    # XA\n    ordering: none\n');
  const plain = text.replace('   # XA', '');
  assert.equal(apply(plain, channel(plain).edit.removeKey(channel(plain).el, 'mechanism')), 'channels:\n  - name: a\n    delivery: exactly-once\n    ordering: none\n');
});

test('removeKey: a block value over several lines goes whole', () => {
  const { el, edit } = channel(BLOCK);
  assert.equal(apply(BLOCK, edit.removeKey(el, 'consumers')), BLOCK.replace('    consumers:\n       - service: billing   # odd indentation\n', '    # odd indentation\n'));
});

test('removeKey: in a flow mapping, with one separator, wherever the pair stands', () => {
  const text = 'channels:\n  - {name: a, mechanism: transactional, delivery: exactly-once}\n  - {name: b, delivery: exactly-once, mechanism: transactional}\n  - {mechanism: transactional}\n';
  const a = analyze(text);
  const edit = new Editor(text);
  const [c0, c1, c2] = a.design.channels;
  assert.equal(apply(text, edit.removeKey(c0, 'mechanism')), text.replace('{name: a, mechanism: transactional, delivery', '{name: a, delivery'));
  assert.equal(apply(text, edit.removeKey(c1, 'mechanism')), text.replace('exactly-once, mechanism: transactional}', 'exactly-once}'));
  assert.equal(apply(text, edit.removeKey(c2, 'mechanism')), text.replace('{mechanism: transactional}', '{}'));
});

test('removeKey: declines for the first key of a list item, a merged pair, a missing key', () => {
  const text = [
    'channels:',
    '  - mechanism: transactional',
    '    name: a',
    '  - &base',
    '    name: b',
    '    mechanism: transactional',
    '  - <<: *base',
    '    name: c',
    '',
  ].join('\n');
  const a = analyze(text);
  const edit = new Editor(text);
  assert.equal(edit.removeKey(a.design.channels[0], 'mechanism'), undefined);
  assert.equal(edit.removeKey(a.design.channels[2], 'mechanism'), undefined);
  assert.equal(edit.removeKey(a.design.channels[2], 'ordering'), undefined);
  assert.ok(edit.removeKey(a.design.channels[1], 'mechanism'));
});
