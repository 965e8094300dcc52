// The pure editor features under the language server (engine/checklist, completion,
// navigation, hover): data-driven cases with the cursor marked `$0`, exact text out.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { analyze } from '../server/src/engine/analyze';
import { checklistEdits, checklistOf } from '../server/src/engine/checklist';
import { completeAt } from '../server/src/engine/completion';
import { hoverAt } from '../server/src/engine/hover';
import { occurrences, prepareRename, renameEdits } from '../server/src/engine/navigation';
import { applyEdits } from '../server/src/engine/types';

function setState(text: string, area: string, state: string, reason?: string): string {
  const edits = checklistEdits(analyze(text), area, state, reason);
  if ('error' in edits) {
    return `error: ${edits.error}`;
  }
  const out = applyEdits(text, edits);
  // Every comment of the input is still there, except an accepted-risk reason the change made untrue.
  const comments = (t: string) => t.split(/\r?\n/).map((l) => /#.*$/.exec(l)?.[0].trim()).filter((c): c is string => !!c && !c.startsWith('# accepted-risk'));
  assert.deepEqual(comments(out), comments(text), 'an author’s comment was lost');
  return out;
}

const BLOCK = [
  'design: x',
  'dsl: 1',
  'review:',
  '  status: draft',
  '  checklist:',
  '    delivery: done   # by alice',
  '    # retries were reviewed last week',
  '    retries: accepted-risk  # accepted-risk retries: the SLA asks for it',
  '    ordering: open',
  '',
].join('\n');

describe('checklist edits keep comments and layout', () => {
  test('a state replaces the value in place', () => {
    assert.equal(setState(BLOCK, 'ordering', 'done'), BLOCK.replace('ordering: open', 'ordering: done'));
  });

  test('a missing area is inserted in checklist order, with the entries’ indentation', () => {
    assert.equal(setState(BLOCK, 'duplicates', 'done'), BLOCK.replace('    ordering: open', '    duplicates: done\n    ordering: open'));
    assert.equal(setState(BLOCK, 'structure', 'done'), BLOCK.replace('    ordering: open\n', '    ordering: open\n    structure: done\n'));
  });

  test('accepted-risk with a reason: a comment at the end of the line, or above it when the line has the author’s comment', () => {
    assert.equal(setState(BLOCK, 'ordering', 'accepted-risk', 'one producer per key'), BLOCK.replace('ordering: open', 'ordering: accepted-risk  # accepted-risk ordering: one producer per key'));
    assert.equal(
      setState(BLOCK, 'delivery', 'accepted-risk', 'old clients\nretry'),
      BLOCK.replace('    delivery: done   # by alice', '    # accepted-risk delivery: old clients retry\n    delivery: accepted-risk   # by alice'),
    );
    assert.equal(setState(BLOCK, 'retries', 'accepted-risk', 'new reason'), BLOCK.replace('the SLA asks for it', 'new reason'));
  });

  test('leaving accepted-risk removes its reason (no longer true) and nothing else', () => {
    assert.equal(setState(BLOCK, 'retries', 'done'), BLOCK.replace('retries: accepted-risk  # accepted-risk retries: the SLA asks for it', 'retries: done'));
    const above = setState(BLOCK, 'delivery', 'accepted-risk', 'old clients');
    assert.equal(setState(above, 'delivery', 'open'), BLOCK.replace('delivery: done', 'delivery: open'));
  });

  test('the reason is read back into the checklist', () => {
    const areas = checklistOf(analyze(setState(BLOCK, 'delivery', 'accepted-risk', 'old clients'))).areas;
    assert.deepEqual(
      areas.filter((a) => a.state !== 'open').map((a) => [a.area, a.state, a.reason]),
      [
        ['delivery', 'accepted-risk', 'old clients'],
        ['retries', 'accepted-risk', 'the SLA asks for it'],
      ],
    );
  });

  test('creates `checklist:` or `review:` when absent; `open` where nothing is written needs no edit', () => {
    assert.equal(setState('design: x\ndsl: 1\nreview:\n  status: draft\n', 'timeouts', 'done'), 'design: x\ndsl: 1\nreview:\n  status: draft\n  checklist:\n    timeouts: done\n');
    assert.equal(
      setState('design: x\ndsl: 1\nreview:\n  status: draft\n', 'timeouts', 'accepted-risk', 'batch only'),
      'design: x\ndsl: 1\nreview:\n  status: draft\n  checklist:\n    timeouts: accepted-risk  # accepted-risk timeouts: batch only\n',
    );
    assert.equal(setState('design: x\ndsl: 1\nreview:\n', 'timeouts', 'done'), 'design: x\ndsl: 1\nreview:\n  checklist:\n    timeouts: done\n');
    assert.equal(setState('design: x\ndsl: 1\n', 'consistency', 'done'), 'design: x\ndsl: 1\nreview:\n  checklist:\n    consistency: done\n');
    assert.equal(setState('design: x\ndsl: 1\n', 'consistency', 'open'), 'design: x\ndsl: 1\n');
    assert.equal(setState('design: x\ndsl: 1\nreview:\n  checklist:\n    delivery:\n', 'delivery', 'done'), 'design: x\ndsl: 1\nreview:\n  checklist:\n    delivery: done\n');
  });

  test('flow style stays flow; CRLF stays CRLF', () => {
    assert.equal(
      setState('design: x\ndsl: 1\nreview: {status: draft, checklist: {delivery: done}}\n', 'ordering', 'accepted-risk', 'why not'),
      'design: x\ndsl: 1\n# accepted-risk ordering: why not\nreview: {status: draft, checklist: {delivery: done, ordering: accepted-risk}}\n',
    );
    assert.equal(
      setState('design: x\r\ndsl: 1\r\nreview:\r\n  checklist:\r\n    delivery: open\r\n', 'retries', 'done'),
      'design: x\r\ndsl: 1\r\nreview:\r\n  checklist:\r\n    delivery: open\r\n    retries: done\r\n',
    );
  });

  test('an unknown area or state is refused with the allowed ones', () => {
    assert.equal(setState(BLOCK, 'speed', 'done'), 'error: `speed` is not a concern area (delivery, retries, duplicates, timeouts, partial-failure, consistency, ordering, structure)');
    assert.equal(setState(BLOCK, 'delivery', 'finished'), 'error: `finished` is not a checklist state (open, done, accepted-risk)');
  });
});

function complete(marked: string): string[] {
  const at = marked.indexOf('$0');
  const text = marked.replace('$0', '');
  return completeAt(analyze(text), at).map((c) => `${c.label} → ${JSON.stringify(c.insertText)} @${JSON.stringify(text.slice(c.range[0], c.range[1]))}`);
}

const OP = 'design: x\ndsl: 1\nservices:\n  - name: a\n    operations:\n      - name: b\n';

describe('completion reads the place from the indentation, on half-typed text', () => {
  test('keys of a flow mapping, and a value inside it', () => {
    assert.deepEqual(complete(OP + '        idempotency: {$0}\n'), ['key → "key: " @""', 'natural → "natural: " @""', 'retention → "retention: " @""']);
    assert.deepEqual(complete(OP + '        idempotency: {natural: $0}\n'), ['true → "true" @""', 'false → "false" @""']);
  });

  test('right after the colon the value comes with its space; inside quotes the word is replaced', () => {
    assert.deepEqual(complete(OP + '        type:$0\n'), ['query → " query" @""', 'command → " command" @""']);
    assert.deepEqual(complete(OP + '        type: "com$0"\n'), ['query → "query" @"com"', 'command → "command" @"com"']);
  });

  test('a key being retyped before its colon is replaced by the bare key', () => {
    const items = complete(OP + '        ti$0: 2s\n');
    assert.equal(items.find((i) => i.startsWith('timeout')), 'timeout → "timeout" @"ti"');
    assert.ok(!items.some((i) => i.startsWith('name ')));
  });

  test('lists whose dashes stand at their key’s column', () => {
    assert.deepEqual(complete('design: x\ndsl: 1\nservices:\n- name: a\n  operations:\n  - name: b\n    type: query\n    $0\n').slice(0, 3), [
      'description → "description: " @""',
      'interaction → "interaction: " @""',
      'timeout → "timeout: " @""',
    ]);
  });

  test('an item of a block list of scalars: the retryable codes and symbols only', () => {
    assert.deepEqual(complete(OP + '        calls:\n          - to: a.b\n            retry:\n              retry_on:\n                - $0\n').map((s) => s.split(' ')[0]), [
      'timeout',
      'network',
      'unavailable',
      'rate-limited',
      '429',
      '502',
      '503',
      '504',
      '408',
    ]);
  });

  test('nothing inside comments, free text, or under a key the DSL does not know', () => {
    assert.deepEqual(complete(OP + '        # a comment $0\n'), []);
    assert.deepEqual(complete(OP + '        description: free $0\n'), []);
    assert.deepEqual(complete('design: x\ndsl: 1\nunknown:\n  $0\n'), []);
  });

  test('the lines around the cursor: on the first line, on a last line without a line break, with CRLF', () => {
    assert.deepEqual(complete('des$0').slice(0, 2), ['design → "design: " @"des"', 'dsl → "dsl: " @"des"']);
    assert.deepEqual(complete(OP + '        type: $0'), ['query → "query" @""', 'command → "command" @""']);
    const crlf = (s: string) => s.replace(/\n/g, '\r\n');
    assert.deepEqual(complete(crlf(OP + '        type: $0\n')), ['query → "query" @""', 'command → "command" @""']);
    // The keys above (`operations:`, `calls:`) and below (`services:`) end in `\r\n`: read without the `\r`.
    const call = OP + '        calls:\n          - to: a.b\n            $0\n';
    assert.deepEqual(complete(crlf(call)), complete(call));
    assert.ok(complete(crlf(call)).some((c) => c.startsWith('timeout ')));
    const top = 'design: x\n$0\nservices:\n  - name: a\n';
    assert.deepEqual(complete(crlf(top)), complete(top));
    assert.ok(!complete(crlf(top)).some((c) => c.startsWith('services ')));
    const siblings = OP + '        $0\n        type: query\n        calls:\n          - to: a.b\n';
    assert.deepEqual(complete(crlf(siblings)), complete(siblings));
    assert.ok(!complete(crlf(siblings)).some((c) => /^(name|type|calls) /.test(c)));
  });

  test('an empty file: the top-level keys, required first', () => {
    assert.deepEqual(complete('$0').slice(0, 3), ['design → "design: " @""', 'dsl → "dsl: " @""', 'description → "description: " @""']);
  });
});

const NAMES = [
  'design: x',
  'dsl: 1',
  'requirements:',
  '  - id: R1',
  '    text: t',
  'services:',
  '  - name: pay',
  '    operations:',
  '      - name: charge',
  '        type: query',
  '        timeout: 1s',
  '        requirements: ["R1"]',
  '        calls:',
  '          - to: "pay.charge"',
  '            timeout: 500ms',
  '          - to: ext.thing',
  '            external: true',
  '            timeout: 500ms',
  'review:',
  '  waivers:',
  '    - rule: RTY005',
  '      at: services[pay].operations[charge].calls[0]',
  '      reason: r',
  '',
].join('\n');

describe('navigation', () => {
  test('occurrences: quoted names, `service.operation` split in two, waiver paths in bracket form; external targets are no reference', () => {
    const a = analyze(NAMES);
    assert.deepEqual(
      occurrences(a).map((o) => `${o.kind}:${o.name}:${o.role}:${NAMES.slice(o.range[0], o.range[1])}`),
      [
        'requirement:R1:definition:R1',
        'service:pay:definition:pay',
        'operation:pay.charge:definition:charge',
        'requirement:R1:reference:R1',
        'service:pay:reference:pay',
        'operation:pay.charge:reference:charge',
        'rule:RTY005:reference:RTY005',
        'service:pay:reference:pay',
        'operation:pay.charge:reference:charge',
      ],
    );
  });

  test('rename keeps quotes and renames inside waiver paths', () => {
    const a = analyze(NAMES);
    const edits = renameEdits(a, NAMES.indexOf('name: pay') + 6, 'billing');
    assert.ok(Array.isArray(edits));
    assert.equal(
      applyEdits(NAMES, edits),
      NAMES.replace('name: pay', 'name: billing').replace('"pay.charge"', '"billing.charge"').replace('services[pay]', 'services[billing]'),
    );
    const r = renameEdits(a, NAMES.indexOf('id: R1') + 4, 'R9');
    assert.ok(Array.isArray(r));
    assert.equal(applyEdits(NAMES, r), NAMES.replace('id: R1', 'id: R9').replace('["R1"]', '["R9"]'));
    assert.deepEqual(prepareRename(a, NAMES.indexOf('rule: RTY005') + 7), { error: 'A rule id cannot be renamed.' });
    assert.deepEqual(prepareRename(a, NAMES.indexOf('ext.thing') + 1), { error: 'Only the name of a service, operation, channel, data store, workflow or requirement can be renamed.' });
  });
});

describe('navigation of channels and data', () => {
  const TEXT = [
    'design: x',
    'dsl: 1',
    'services:',
    '  - name: orders',
    '    operations:',
    '      - name: place',
    '        type: query',
    '        writes: [orders-db]',
    '        publishes: [order-events]',
    'channels:',
    '  - name: order-events',
    '    consumers:',
    '      - service: orders',
    'data:',
    '  - name: orders-db',
    '    owner: orders',
    'review:',
    '  waivers:',
    '    - rule: ORD001',
    '      at: channels.order-events',
    '      reason: r',
    '',
  ].join('\n');

  test('a channel is renamed where it is declared, published to and waived; a consumer and an owner name their service', () => {
    const a = analyze(TEXT);
    const edits = renameEdits(a, TEXT.indexOf('[order-events]') + 3, 'orders-stream');
    assert.ok(Array.isArray(edits));
    assert.equal(applyEdits(TEXT, edits), TEXT.replace(/order-events/g, 'orders-stream'));
    const svc = renameEdits(a, TEXT.indexOf('service: orders') + 10, 'ordering');
    assert.ok(Array.isArray(svc));
    assert.equal(
      applyEdits(TEXT, svc),
      TEXT.replace('name: orders\n', 'name: ordering\n').replace('service: orders', 'service: ordering').replace('owner: orders', 'owner: ordering'),
    );
    const data = renameEdits(a, TEXT.indexOf('- name: orders-db') + 9, 'orders-store');
    assert.ok(Array.isArray(data));
    assert.equal(applyEdits(TEXT, data), TEXT.replace(/orders-db/g, 'orders-store'));
  });
});

describe('hover', () => {
  test('an external target, and an operation’s timeout beside its callers and its slowest call', () => {
    const a = analyze(NAMES);
    const ext = hoverAt(a, NAMES.indexOf('ext.thing') + 2)!;
    assert.ok(ext.markdown.endsWith('**external system `ext.thing`**\n\n- not declared idempotent (`idempotent: true` is absent): retrying it may repeat its effect'), ext.markdown);
    const t = hoverAt(a, NAMES.indexOf('timeout: 1s') + 10)!;
    assert.equal(
      t.markdown,
      [
        '**`timeout: 1s`** = 1 s',
        'The timeout documented in the API contract.',
        'Its slowest outbound call: `pay.charge` with `500ms` (50% of this timeout).',
        'Called by `pay.charge` with a call timeout of `500ms`.',
        '> Document timeout values in API contracts',
      ].join('\n\n'),
    );
  });
});
