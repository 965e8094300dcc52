// The partial-failure and consistency examples, as a user linting them sees them: the exact
// findings (rule, line, column), each rule of the two areas at least once and nothing from
// another area; what `ddr lint --fix` changes in them; and the clean checkout example.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, fixAll, fixesFor } from '../server/src/engine/analyze';
import { RULES } from '../server/src/engine/registry';
import { LineMap } from '../server/src/engine/positions';
import type { Area } from '../server/src/engine/types';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

function read(name: string): string {
  return fs.readFileSync(path.join(EXAMPLES, name), 'utf8');
}

/** `RULE line:column`, 1-based, in the order the linter lists them. */
function findings(text: string): string[] {
  const a = analyze(text);
  assert.deepEqual(a.ruleErrors, []);
  const map = new LineMap(text);
  return a.findings.map((f) => {
    const p = map.position(f.range[0]);
    return `${f.ruleId} ${p.line + 1}:${p.character + 1}`;
  });
}

function idsOf(area: Area): string[] {
  return RULES.filter((r) => r.area === area).map((r) => r.id);
}

test('partial-failure.design.yaml: exactly the partial-failure findings it shows', () => {
  assert.deepEqual(findings(read('partial-failure.design.yaml')), [
    'PAR003 45:16', // batch: true without partial_success
    'PAR004 58:9', // writes the ledger and publishes without an outbox
    'PAR009 99:25', // accept-partial while R1 demands a rollback
    'PAR001 104:20', // hotels.reserve-room has no compensation
    'PAR006 110:15', // a scenario mapped to no edge case
    'PAR005 112:15', // a scenario without recovery
    'PAR002 116:11', // award-points: no on_partial_failure
    'PAR005 116:11', // award-points: no failure_scenarios
    'PAR008 116:11', // award-points: no partial_means
    'PAR007 117:14', // a saga inside the loyalty service
  ]);
});

test('consistency.design.yaml: exactly the consistency findings it shows', () => {
  assert.deepEqual(findings(read('consistency.design.yaml')), [
    'CNS001 57:18', // seller-balances: eventual financial balance
    'CNS006 63:18', // product-catalog: strong with no strong requirement
    'CNS003 70:22', // price-cache: 5m bound over R2's 30s
    'CNS002 79:18', // search-index: no staleness_bound
    'CNS004 88:18', // recommendations: no convergence
    'CNS005 96:18', // order-history: no stale_reads
    'CNS007 101:11', // session-store: no consistency
  ]);
});

test('the examples show every rule of their area, and no other area', () => {
  const pf = new Set(findings(read('partial-failure.design.yaml')).map((f) => f.split(' ')[0]));
  const cns = new Set(findings(read('consistency.design.yaml')).map((f) => f.split(' ')[0]));
  assert.deepEqual([...pf].sort(), idsOf('partial-failure').sort());
  assert.deepEqual([...cns].sort(), idsOf('consistency').sort());
});

test('relation findings point at the other place, with the facts there', () => {
  const related: string[] = [];
  for (const name of ['partial-failure.design.yaml', 'consistency.design.yaml']) {
    const text = read(name);
    const map = new LineMap(text);
    for (const f of analyze(text).findings) {
      for (const r of f.related ?? []) {
        const p = map.position(r.range[0]);
        related.push(`${f.ruleId} -> ${p.line + 1}:${p.character + 1} ${r.message}`);
      }
    }
  }
  assert.deepEqual(related, [
    'PAR004 -> 57:9 writes `payments-ledger` in the same operation',
    'PAR009 -> 12:22 requirement R1: partial success must be fully rolled back',
    'PAR007 -> 118:5 every step runs in `loyalty`',
    'CNS001 -> 55:15 category `financial-balance`: eventual consistency must not be used',
    'CNS006 -> 61:15 category `catalog`: eventual consistency usually suffices',
    'CNS003 -> 16:20 requirement R2 accepts data at most 30s old',
  ]);
});

test('`--fix` on the examples applies no fix: every fix of these rules is a suggestion (rules.md), offered in the editor only', () => {
  for (const name of ['partial-failure.design.yaml', 'consistency.design.yaml']) {
    const text = read(name);
    const fixed = fixAll(text);
    assert.deepEqual(fixed.applied, [], name);
    assert.equal(fixed.text, text, name);
    const a = analyze(text);
    for (const f of a.findings) {
      for (const x of fixesFor(a, f)) {
        assert.deepEqual([x.applicability, !!x.preferred, x.title.endsWith(' (changes the design)')], ['suggestion', false, true], `${name} ${f.ruleId}: ${x.title}`);
      }
    }
  }
});

test('checkout.design.yaml, the clean example, has no finding', () => {
  assert.deepEqual(findings(read('checkout.design.yaml')), []);
});
