// The delivery and ordering examples show each of their rules firing once, where their
// comments say, and nothing else; the clean checkout example stays clean.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, Analysis, fixAll, fixesFor } from '../server/src/engine/analyze';
import { LineMap } from '../server/src/engine/positions';
import type { Range } from '../server/src/engine/types';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

function load(name: string): Analysis {
  const a = analyze(fs.readFileSync(path.join(EXAMPLES, name), 'utf8'));
  assert.deepEqual(a.ruleErrors, []);
  return a;
}

/** `line:column` (1-based) of an offset, as an editor shows it. */
function at(a: Analysis, offset: number): string {
  const p = new LineMap(a.text).position(offset);
  return `${p.line + 1}:${p.character + 1}`;
}

function brief(a: Analysis): string[] {
  return a.findings.map((f) => `${f.ruleId} ${at(a, f.range[0])}`);
}

function textOf(a: Analysis, r: Range): string {
  return a.text.slice(r[0], r[1]);
}

test('examples/checkout.design.yaml has no finding', () => {
  assert.deepEqual(brief(load('checkout.design.yaml')), []);
});

test('examples/delivery.design.yaml: each delivery rule once, where its comment says', () => {
  const a = load('delivery.design.yaml');
  assert.deepEqual(brief(a), ['DLV004 58:18', 'DLV003 67:15', 'DLV002 76:15', 'DLV005 89:15', 'DLV006 98:15']);
  assert.deepEqual(
    a.findings.map((f) => `${f.ruleId} ${f.severity} ${textOf(a, f.range)}`),
    [
      'DLV004 error ledger',
      'DLV003 error at-most-once',
      'DLV002 warning exactly-once',
      'DLV005 info exactly-once',
      'DLV006 info at-least-once',
    ],
  );
});

test('examples/delivery.design.yaml: relation findings point at the other place', () => {
  const a = load('delivery.design.yaml');
  const related = (id: string) => a.findings.find((f) => f.ruleId === id)!.related?.map((r) => `${at(a, r.range[0])} ${textOf(a, r.range)}: ${r.message}`);
  assert.deepEqual(related('DLV004'), ['51:15 at-least-once: channel `payment-captured` delivers at least once: a message may arrive more than once']);
  assert.deepEqual(related('DLV003'), ['13:11 unacceptable: R1: loss is unacceptable']);
  assert.deepEqual(related('DLV006'), ['21:11 acceptable: R3: loss is acceptable']);
});

test('examples/ordering.design.yaml: each ordering rule once, where its comment says', () => {
  const a = load('ordering.design.yaml');
  assert.deepEqual(brief(a), ['ORD002 38:15', 'ORD003 50:15', 'ORD005 59:20', 'ORD006 70:15', 'ORD004 78:24', 'ORD001 81:11']);
  assert.deepEqual(
    a.findings.map((f) => `${f.ruleId} ${f.severity} ${textOf(a, f.range)}`),
    [
      'ORD002 error per-partition',
      'ORD003 warning global',
      'ORD005 warning trip_id',
      'ORD006 info none',
      'ORD004 error true',
      'ORD001 warning support-tickets',
    ],
  );
  const ord004 = a.findings.find((f) => f.ruleId === 'ORD004')!;
  assert.deepEqual(
    ord004.related?.map((r) => `${at(a, r.range[0])} ${textOf(a, r.range)}: ${r.message}`),
    ['70:15 none: channel `receipts` has no ordering guarantee: messages may arrive in any order'],
  );
  const ord005 = a.findings.find((f) => f.ruleId === 'ORD005')!;
  assert.deepEqual(ord005.related?.map((r) => `${at(a, r.range[0])} ${textOf(a, r.range)}`), ['26:19 rider_id']);
});

test('`--fix` on the examples applies no fix: each one-answer fix of these rules (DLV003, ORD002, ORD005) changes a guarantee, a suggestion', () => {
  for (const name of ['delivery.design.yaml', 'ordering.design.yaml']) {
    const { text } = load(name);
    const fixed = fixAll(text);
    assert.deepEqual(fixed.applied, [], name);
    assert.equal(fixed.text, text, name);
  }
  const a = load('ordering.design.yaml');
  const ord005 = a.findings.find((f) => f.ruleId === 'ORD005')!;
  assert.deepEqual(fixesFor(a, ord005).map((x) => [x.title, x.applicability, !!x.preferred]), [['Partition by `rider_id` (changes the design)', 'suggestion', false]]);
});
