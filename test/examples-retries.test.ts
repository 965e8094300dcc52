// The retries example shows every retry rule firing once, at the place rules.md names,
// and nothing else; the clean checkout example stays clean.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze } from '../server/src/engine/analyze';
import { LineMap } from '../server/src/engine/positions';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

/** `RULE line:column` (both 1-based) of every finding, in the order analyze sorts them. */
function placed(file: string): string[] {
  const text = fs.readFileSync(path.join(EXAMPLES, file), 'utf8');
  const a = analyze(text);
  assert.deepEqual(a.ruleErrors, []);
  const map = new LineMap(text);
  return a.findings.map((f) => {
    const p = map.position(f.range[0]);
    return `${f.ruleId} ${p.line + 1}:${p.character + 1}`;
  });
}

test('retries.design.yaml: each retry rule fires where the catalog says, and nothing else does', () => {
  assert.deepEqual(placed('retries.design.yaml'), [
    'RTY009 33:26', // 503 in `retry_on`, without respect_retry_after
    'RTY010 35:25', // `deadline: 10s` above the caller's 8s timeout
    'RTY003 37:17', // `to: gds.issue-ticket`, external and not idempotent
    'RTY005 50:29', // `max_attempts: 8`
    'RTY006 51:24', // `backoff: fixed`
    'RTY002 53:36', // `card-declined`, which payments.authorize lists as non-retryable
    'RTY008 59:13', // `retry:` without `backoff`
    'RTY011 59:13', // `retry:` without `budget`
    'RTY001 61:26', // 409 in `retry_on`
    'RTY004 97:29', // `max_attempts: unlimited` with no circuit breaker
    'RTY007 98:24', // `backoff: exponential`
  ]);
});

test('retries.design.yaml shows every rule of the retries area', () => {
  const ids = new Set(placed('retries.design.yaml').map((s) => s.split(' ')[0]));
  const want = Array.from({ length: 11 }, (_, i) => `RTY${String(i + 1).padStart(3, '0')}`);
  assert.deepEqual(want.filter((id) => !ids.has(id)), []);
});

test('checkout.design.yaml, the clean example, has no finding', () => {
  assert.deepEqual(placed('checkout.design.yaml'), []);
});

test('retries.design.yaml: relation findings point at the other place', () => {
  const text = fs.readFileSync(path.join(EXAMPLES, 'retries.design.yaml'), 'utf8');
  const a = analyze(text);
  const map = new LineMap(text);
  const related = (id: string) =>
    a.findings
      .filter((f) => f.ruleId === id)
      .flatMap((f) => f.related ?? [])
      .map((r) => {
        const p = map.position(r.range[0]);
        return `${p.line + 1}:${p.character + 1} ${text.slice(r.range[0], r.range[1])} — ${r.message}`;
      });
  assert.deepEqual(related('RTY002'), ["73:27 card-declined — `payments.authorize`'s API contract: `card-declined` is not to be retried"]);
  assert.deepEqual(related('RTY010'), ['21:18 8s — `booking.book-trip` times out after 8s']);
  assert.deepEqual(related('RTY003'), ['40:13 retry — the retry policy that repeats the call, up to 2 attempts']);
});
