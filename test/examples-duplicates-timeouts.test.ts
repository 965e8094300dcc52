// The duplicates and timeouts examples show each of their rules firing, and nothing from
// other areas; the clean checkout example stays clean. Also what the fixture runner
// cannot check: related information, settings, and which fixes `--fix` may apply.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, fixAll, fixesFor } from '../server/src/engine/analyze';
import { LineMap } from '../server/src/engine/positions';
import type { Finding } from '../server/src/engine/types';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const read = (name: string) => fs.readFileSync(path.join(EXAMPLES, name), 'utf8');

/** `line:column RULE` of each finding (1-based), in document order. */
function where(text: string, findings: Finding[]): string[] {
  const map = new LineMap(text);
  return findings.map((f) => {
    const p = map.position(f.range[0]);
    return `${p.line + 1}:${p.character + 1} ${f.ruleId}`;
  });
}

function at(text: string, range: [number, number]): string {
  const p = new LineMap(text).position(range[0]);
  return `${p.line + 1}:${p.character + 1} ${text.slice(range[0], range[1])}`;
}

test('checkout.design.yaml has no finding', () => {
  const a = analyze(read('checkout.design.yaml'));
  assert.deepEqual(a.ruleErrors, []);
  assert.deepEqual(where(a.text, a.findings), []);
});

test('duplicates.design.yaml: DUP001 on the command without idempotency, DUP002 on the keys without retention', () => {
  const a = analyze(read('duplicates.design.yaml'));
  assert.deepEqual(a.ruleErrors, []);
  assert.deepEqual(where(a.text, a.findings), ['40:15 DUP001', '62:9 DUP002']);
  assert.equal(
    a.findings[0].message,
    '`wallet.redeem` is a command with no `idempotency`: a network retry, a client timeout after successful processing or a user double-submit repeats its effect',
  );
  assert.equal(a.findings[0].severity, 'warning');
  assert.equal(a.findings[1].severity, 'info');
});

test('timeouts.design.yaml: one finding of each timeout rule, each where the catalog puts it', () => {
  const a = analyze(read('timeouts.design.yaml'));
  assert.deepEqual(a.ruleErrors, []);
  assert.deepEqual(where(a.text, a.findings), ['26:22 TMO006', '34:25 TMO002', '52:18 TMO005', '74:15 TMO004', '80:17 TMO001', '88:25 TMO003']);
  const by = (id: string) => a.findings.find((f) => f.ruleId === id)!;
  assert.equal(at(a.text, by('TMO006').range), '26:22 5s');
  assert.equal(at(a.text, by('TMO002').range), '34:25 fail');
  assert.equal(at(a.text, by('TMO005').range), '52:18 30s');
  assert.equal(at(a.text, by('TMO004').range), '74:15 assign');
  assert.equal(at(a.text, by('TMO001').range), '80:17 routing.best-courier');
  assert.equal(at(a.text, by('TMO003').range), '88:25 retry');
});

test('relation findings point at the other place', () => {
  const a = analyze(read('timeouts.design.yaml'));
  const related = (id: string) => a.findings.find((f) => f.ruleId === id)!.related!.map((r) => `${at(a.text, r.range)} | ${r.message}`);
  assert.deepEqual(related('TMO006'), ['18:18 4s | the timeout of `orders.place-order`']);
  assert.deepEqual(related('TMO005'), ['51:22 interactive | `orders.get-order` is declared interactive']);
  assert.deepEqual(related('TMO003'), ['85:17 push-gateway.send | `push-gateway.send` is external, and the call does not declare it `idempotent: true`']);

  // Toward an operation of the design, TMO003's related information is the target operation.
  const text = [
    'design: shop',
    'dsl: 1',
    'services:',
    '  - name: orders',
    '    operations:',
    '      - name: place-order',
    '        type: query',
    '        timeout: 5s',
    '        calls: [{to: payments.charge, timeout: 2s, on_timeout: retry}]',
    '  - name: payments',
    '    operations: [{name: charge, type: command, timeout: 3s}]',
    '',
  ].join('\n');
  const b = analyze(text);
  const f = b.findings.find((x) => x.ruleId === 'TMO003')!;
  assert.equal(at(text, f.range), '9:64 retry');
  assert.deepEqual(
    f.related!.map((r) => `${at(text, r.range)} | ${r.message}`),
    ['11:25 charge | `payments.charge` is a command with neither an idempotency `key` nor `natural: true`'],
  );
});

test('TMO005 reads its thresholds from the settings', () => {
  const text = [
    'design: shop',
    'dsl: 1',
    'services:',
    '  - name: orders',
    '    operations:',
    '      - {name: search, type: query, interaction: interactive, timeout: 30s}',
    '      - {name: export, type: query, interaction: batch, timeout: 5s}',
    '',
  ].join('\n');
  const ids = (settings?: Parameters<typeof analyze>[1]) =>
    analyze(text, settings).findings.filter((f) => f.ruleId === 'TMO005').map((f) => `${at(text, f.range)} | ${f.message}`);
  assert.deepEqual(ids(), ['6:72 30s | interactive operation `orders.search` has a 30s timeout, above the 10s that fits an interactive caller (setting interactiveTimeoutMaxMs)']);
  assert.deepEqual(ids({ interactiveTimeoutMaxMs: 30_000 }), []);
  assert.deepEqual(ids({ interactiveTimeoutMaxMs: 60_000, batchTimeoutMinMs: 10_000 }), [
    '7:66 5s | batch operation `orders.export` has a 5s timeout, below the 10s a batch operation needs (setting batchTimeoutMinMs)',
  ]);
});

test('fixes: which are offered, and which `--fix` applies', () => {
  const a = analyze(read('timeouts.design.yaml'));
  const offered = a.findings.map((f) => `${f.ruleId}: ${fixesFor(a, f).map((x) => `${x.title}${x.applicability === 'safe' ? ' (safe)' : ''}`).join(' / ') || 'none'}`);
  assert.deepEqual(offered, [
    "TMO006: Lower the call's timeout to `2s` (changes the design)",
    // The PSP is idempotent: retrying after a timeout is the other right answer.
    'TMO002: Reconcile on timeout: `on_timeout: reconcile` (changes the design) / Retry the idempotent target on timeout: `on_timeout: retry` (changes the design)',
    'TMO005: none',
    // A batch operation whose calls are not longer than the default: 30s.
    'TMO004: Add `timeout: 30s` (changes the design)',
    'TMO001: Add `timeout: 30s` (changes the design)',
    'TMO003: Check the state before retrying: `on_timeout: reconcile` (changes the design)',
  ]);
  // How to handle an unknown outcome is the author's decision (rules.md: suggestions).
  const fixed = fixAll(a.text);
  assert.deepEqual(fixed.applied, []);
  assert.equal(fixed.text, a.text);

  const d = analyze(read('duplicates.design.yaml'));
  const dupFixed = fixAll(d.text);
  assert.deepEqual(dupFixed.applied, []);
  assert.equal(dupFixed.text, d.text);
  // DUP001's fix is offered, but is the author's choice: `--fix` leaves it, and it is not preferred.
  assert.deepEqual(
    fixesFor(d, d.findings[0]).map((x) => [x.title, x.applicability, x.preferred]),
    [['Add `idempotency: {key: header:Idempotency-Key, retention: 24h}` (changes the design)', 'suggestion', undefined]],
  );
});

test('TMO002 offers `retry` only toward an idempotent target', () => {
  const text = [
    'design: shop',
    'dsl: 1',
    'services:',
    '  - name: orders',
    '    operations:',
    '      - name: place-order',
    '        type: query',
    '        timeout: 5s',
    '        calls:',
    '          - {to: psp.capture, external: true, timeout: 1s, on_timeout: fail}',
    '          - {to: psp.refund, external: true, idempotent: true, timeout: 1s, on_timeout: fail}',
    '',
  ].join('\n');
  const a = analyze(text);
  const titles = a.findings.filter((f) => f.ruleId === 'TMO002').map((f) => fixesFor(a, f).map((x) => x.title));
  assert.deepEqual(titles, [
    ['Reconcile on timeout: `on_timeout: reconcile` (changes the design)'],
    ['Reconcile on timeout: `on_timeout: reconcile` (changes the design)', 'Retry the idempotent target on timeout: `on_timeout: retry` (changes the design)'],
  ]);
});
