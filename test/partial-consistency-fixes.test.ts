// The quick fixes of the partial-failure and consistency rules as an editor offers them:
// which choices, in which order, and that none of them (all suggestions, rules.md) is
// preferred or applied by `ddr lint --fix`.
// (The text each fix writes is checked by the .fixed.yaml fixtures.)
import { strict as assert } from 'node:assert';
import { describe as suite, test } from 'node:test';
import { analyze, fixAll, fixesFor } from '../server/src/engine/analyze';

/** `title [preferred] [safe]` for each fix of each finding of the rule, finding by finding. */
function offers(text: string, ruleId: string): string[][] {
  const a = analyze(text);
  assert.deepEqual(a.ruleErrors, []);
  const found = a.findings.filter((f) => f.ruleId === ruleId);
  assert.ok(found.length > 0, `${ruleId} does not fire`);
  return found.map((f) => fixesFor(a, f).map((x) => x.title + (x.preferred ? ' [preferred]' : '') + (x.applicability === 'safe' ? ' [safe]' : '')));
}

const doc = (body: string) => `design: shop\ndsl: 1\n${body}`;

suite('PAR001 saga-step-without-compensation', () => {
  const services = `services:
  - name: inventory
    operations:
      - {name: reserve, type: command}
      - {name: audit, type: command}
      - {name: count, type: query}
      - {name: release, type: command}
  - name: shipping
    operations:
      - {name: schedule, type: command}
`;
  test('offers each command of the step\'s service, undo-like names first, none safe (suggestions)', () => {
    const text = doc(`${services}workflows:
  - name: checkout
    steps:
      - operation: inventory.reserve
      - operation: shipping.schedule
`);
    assert.deepEqual(offers(text, 'PAR001'), [['Add `compensation: inventory.release` (changes the design)', 'Add `compensation: inventory.audit` (changes the design)']]);
    assert.equal(fixAll(text).applied.length, 0);
  });
  test('declines when the service has no other operation', () => {
    const text = doc(`${services}workflows:
  - name: checkout
    steps:
      - operation: shipping.schedule
      - operation: inventory.reserve
`);
    assert.deepEqual(offers(text, 'PAR001'), [[]]);
  });
});

suite('PAR002 partial-failure-policy-undefined', () => {
  test('offers the three policies, compensate preferred, none safe (suggestions)', () => {
    assert.deepEqual(offers(doc('workflows:\n  - name: checkout\n    pattern: saga\n'), 'PAR002'), [
      [
        'Declare `on_partial_failure: compensate` (changes the design)',
        'Declare `on_partial_failure: rollback` (changes the design)',
        'Declare `on_partial_failure: accept-partial` (changes the design)',
      ],
    ]);
  });
  test('prefers rollback for an atomic workflow, and never offers accept-partial against a rollback requirement', () => {
    const text = doc(`requirements:
  - {id: R1, text: No half-booked trips, partial_success: rollback}
workflows:
  - name: book
    pattern: atomic
    requirements: [R1]
`);
    assert.deepEqual(offers(text, 'PAR002'), [['Declare `on_partial_failure: rollback` (changes the design)', 'Declare `on_partial_failure: compensate` (changes the design)']]);
  });
});

suite('PAR003 batch-without-partial-semantics', () => {
  test('offers multi-status (preferred) or all-or-nothing, neither safe (suggestions)', () => {
    const text = doc('services:\n  - name: catalog\n    operations:\n      - {name: import, batch: true}\n');
    assert.deepEqual(offers(text, 'PAR003'), [['Add `partial_success: multi-status` (changes the design)', 'Add `partial_success: all-or-nothing` (changes the design)']]);
    assert.equal(fixAll(text).applied.length, 0);
  });
  test('a rollback requirement leaves all-or-nothing as the one answer (a suggestion)', () => {
    const text = doc(`requirements:
  - {id: R9, text: Imports apply whole, partial_success: rollback}
services:
  - name: catalog
    operations:
      - {name: import, batch: true, requirements: [R9]}
`);
    assert.deepEqual(offers(text, 'PAR003'), [['Add `partial_success: all-or-nothing` (changes the design)']]);
    assert.deepEqual(fixAll(text).applied, []);
  });
});

suite('PAR009 rollback-policy-contradicts-prd', () => {
  const req = 'requirements:\n  - {id: R1, text: No half-booked trips, partial_success: rollback}\n';
  test('a saga compensates, an atomic workflow rolls back: each the one answer (a suggestion)', () => {
    const text = doc(`${req}workflows:
  - {name: a, pattern: saga, on_partial_failure: accept-partial, requirements: [R1]}
  - {name: b, pattern: atomic, on_partial_failure: accept-partial, requirements: [R1]}
`);
    assert.deepEqual(offers(text, 'PAR009'), [['Use `on_partial_failure: compensate` (changes the design)'], ['Use `on_partial_failure: rollback` (changes the design)']]);
  });
  test('without a pattern, both are offered and --fix leaves the choice', () => {
    const text = doc(`${req}workflows:\n  - {name: a, on_partial_failure: accept-partial, requirements: [R1]}\n`);
    assert.deepEqual(offers(text, 'PAR009'), [['Use `on_partial_failure: compensate` (changes the design)', 'Use `on_partial_failure: rollback` (changes the design)']]);
    assert.equal(fixAll(text).applied.length, 0);
  });
});

suite('PAR005, PAR007: placeholders and changes of pattern are never applied by --fix', () => {
  test('PAR005 offers a skeleton to fill in, unsafe', () => {
    assert.deepEqual(offers(doc('workflows:\n  - name: checkout\n'), 'PAR005'), [['Add a failure scenario to fill in (changes the design)']]);
  });
  test('PAR007 offers atomic, unsafe', () => {
    const text = doc(`services:
  - name: orders
    operations:
      - {name: create, type: command}
      - {name: cancel, type: command}
workflows:
  - name: place
    pattern: saga
    steps: [{operation: orders.create, compensation: orders.cancel}, {operation: orders.cancel}]
`);
    assert.deepEqual(offers(text, 'PAR007'), [['Use `pattern: atomic` (changes the design)']]);
  });
});

suite('CNS002 eventual-without-staleness-bound', () => {
  test("the requirement's bound or, without one, 5s is only a placeholder", () => {
    const text = doc(`requirements:
  - {id: R4, text: Prices may lag, max_staleness: 30s}
data:
  - {name: a, consistency: eventual, requirements: [R4]}
  - {name: b, consistency: eventual}
`);
    assert.deepEqual(offers(text, 'CNS002'), [['Add `staleness_bound: 30s` (requirement R4) (changes the design)'], ['Add `staleness_bound: 5s` (changes the design)']]);
  });
});

suite('CNS004 eventual-without-convergence', () => {
  test('time-bound comes first when a staleness bound in time is declared', () => {
    const text = doc(`data:
  - {name: a, consistency: eventual, staleness_bound: 30s}
  - {name: b, consistency: eventual}
`);
    assert.deepEqual(offers(text, 'CNS004'), [
      ['Add `convergence: time-bound` (within the 30s staleness bound) (changes the design)', 'Add `convergence: version-bound` (changes the design)'],
      ['Add `convergence: time-bound` (changes the design)', 'Add `convergence: version-bound` (changes the design)'],
    ]);
  });
});

suite('CNS006 strong-where-eventual-suffices', () => {
  test('offers eventual, unsafe: the data then needs its bounds declared', () => {
    assert.deepEqual(offers(doc('data:\n  - {name: a, category: cache, consistency: strong}\n'), 'CNS006'), [['Use `consistency: eventual` (changes the design)']]);
  });
});

suite('CNS007 consistency-undeclared', () => {
  test('strong is the one answer (a suggestion) for a balance, a stock count, authorization or a strong requirement', () => {
    const text = doc(`requirements:
  - {id: R3, text: Stock is never oversold, consistency: strong}
data:
  - {name: a, category: financial-balance}
  - {name: b, requirements: [R3]}
`);
    assert.deepEqual(offers(text, 'CNS007'), [['Declare `consistency: strong` (changes the design)'], ['Declare `consistency: strong` (changes the design)']]);
  });
  test('otherwise a choice: eventual first for a cache, strong first for other data', () => {
    const text = doc('data:\n  - {name: a, category: cache}\n  - {name: b, category: other}\n');
    assert.deepEqual(offers(text, 'CNS007'), [
      ['Declare `consistency: eventual` (changes the design)', 'Declare `consistency: strong` (changes the design)'],
      ['Declare `consistency: strong` (changes the design)', 'Declare `consistency: eventual` (changes the design)'],
    ]);
    assert.equal(fixAll(text).applied.length, 0);
  });
});

suite('one-answer fixes that change a decision (rules.md: suggestions)', () => {
  test('CNS001, CNS003 and PAR004 are never applied by --fix, though each is the one answer', () => {
    const text = doc(`requirements:
  - {id: R4, text: Prices may lag, max_staleness: 30s}
services:
  - name: orders
    operations:
      - {name: place, writes: [a], publishes: [events], outbox: false}
channels:
  - {name: events, delivery: at-least-once, ordering: none, out_of_order: versioned}
data:
  - {name: a, category: financial-balance, consistency: eventual}
  - {name: b, consistency: eventual, staleness_bound: 5m, convergence: time-bound, stale_reads: versioned, requirements: [R4]}
`);
    const fixed = fixAll(text);
    assert.deepEqual(fixed.applied, []);
    assert.equal(fixed.text, text);
    const a = analyze(text);
    for (const id of ['CNS001', 'CNS003', 'PAR004']) {
      const f = a.findings.find((x) => x.ruleId === id)!;
      assert.deepEqual(fixesFor(a, f).map((x) => [x.applicability, !!x.preferred]), [['suggestion', false]], id);
    }
  });
});
