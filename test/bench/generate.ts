// Realistic designs of any size, for benchmarks: services with operations and calls (with
// retry policies, timeouts, circuit breakers), channels with consumers, data stores,
// saga workflows with failure scenarios, requirements cited throughout, and comments.
// Deterministic: the same `lines` always gives the same text. Most of it is clean; a few
// deliberate slips per domain (a fixed backoff, a missing timeout, eventual data without
// a bound) give the rules something to report, as in a design under review.

const NOUNS = ['order', 'payment', 'invoice', 'shipment', 'stock', 'customer', 'cart', 'refund', 'ledger', 'coupon', 'review', 'catalog'];

/** A small seeded PRNG (mulberry32): benchmarks must be repeatable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sections {
  requirements: string[];
  services: string[];
  channels: string[];
  data: string[];
  workflows: string[];
}

function count(s: Sections): number {
  return s.requirements.length + s.services.length + s.channels.length + s.data.length + s.workflows.length;
}

function addDomain(s: Sections, i: number, rnd: () => number): void {
  const noun = NOUNS[i % NOUNS.length];
  const svc = `${noun}-svc-${i}`;
  const prev = i > 0 ? `${NOUNS[(i - 1) % NOUNS.length]}-svc-${i - 1}` : undefined;
  const next = `${NOUNS[(i + 1) % NOUNS.length]}-svc-${i + 1}`;
  const req = `R${i + 1}`;
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const slip = () => rnd() < 0.15;

  s.requirements.push(
    `  - id: ${req}`,
    `    text: Each ${noun} is processed once, in order, and never lost (domain ${i})`,
    `    duplicates: ${pick(['harmful', 'tolerable'])}`,
    `    loss: unacceptable`,
    `    ordering: per-key`,
    `    ordering_key: ${noun}_id`,
    ...(rnd() < 0.3 ? [`    edge_case: true`] : []),
  );

  const backoff = slip() ? 'fixed' : 'exponential-jitter';
  s.services.push(
    `  # The ${noun} domain (${i}): owns ${noun}-store-${i} and publishes ${noun}-events-${i}.`,
    `  - name: ${svc}`,
    `    operations:`,
    `      - name: create-${noun}`,
    `        type: command`,
    `        interaction: interactive`,
    ...(slip() ? [] : [`        timeout: ${pick(['2s', '3s', '5s'])}`]),
    `        idempotency:`,
    `          key: header:Idempotency-Key`,
    `          retention: ${pick(['24h', '7d'])}`,
    `        errors:`,
    `          non_retryable: [400, 409, ${noun}-rejected]`,
    `        writes: [${noun}-store-${i}]`,
    `        publishes: [${noun}-events-${i}]`,
    `        outbox: true          # the row and its event commit together`,
    `        requirements: [${req}]`,
  );
  if (prev) {
    s.services.push(
      `        calls:`,
      `          - to: ${prev}.create-${NOUNS[(i - 1) % NOUNS.length]}`,
      `            timeout: 800ms`,
      `            on_timeout: reconcile   # look the outcome up by idempotency key`,
      `            retry:`,
      `              max_attempts: 3`,
      `              backoff: ${backoff}`,
      `              initial_delay: 50ms`,
      `              max_delay: 400ms`,
      `              retry_on: [502, 503, 504, timeout, network]`,
      `              respect_retry_after: true`,
      `              budget: 10%`,
      `              deadline: 1500ms`,
      `            circuit_breaker:`,
      `              failure_threshold: 50%`,
      `              open_for: 30s`,
      `          - to: fraud-gateway-${i}.score`,
      `            external: true`,
      `            idempotent: true      # scoring has no side effects`,
      `            timeout: 300ms`,
      `            on_timeout: fallback`,
      `            fallback: allow-with-review`,
    );
  }
  s.services.push(
    `      - name: cancel-${noun}`,
    `        type: command`,
    `        interaction: interactive`,
    `        timeout: 2s`,
    `        idempotency: {natural: true}   # cancelling twice is a no-op`,
    `        writes: [${noun}-store-${i}]`,
    `      - name: get-${noun}`,
    `        type: query`,
    `        interaction: interactive`,
    `        timeout: 500ms`,
    `      - name: apply-${noun}-event`,
    `        type: command`,
    `        interaction: batch`,
    `        timeout: 30s`,
    `        idempotency: {key: body:event_id, retention: 7d}`,
    ``,
  );

  s.channels.push(
    `  - name: ${noun}-events-${i}`,
    `    kind: topic`,
    `    delivery: at-least-once`,
    `    ordering: per-partition`,
    `    partition_key: ${noun}_id`,
    `    requirements: [${req}]`,
    `    consumers:`,
    `      - service: ${next}`,
    `        handler: ${next}.apply-${NOUNS[(i + 1) % NOUNS.length]}-event`,
    `        deduplication: {key: event_id, window: 7d}`,
    `        expects_order: true`,
    `        dead_letter: ${noun}-events-${i}-dlq`,
  );

  const eventual = rnd() < 0.4;
  s.data.push(
    `  - name: ${noun}-store-${i}`,
    `    category: ${eventual ? pick(['cache', 'read-replica', 'catalog']) : 'other'}`,
    `    owner: ${svc}`,
    ...(eventual
      ? [`    consistency: eventual`, ...(slip() ? [] : [`    staleness_bound: 30s`]), `    convergence: time-bound`, `    stale_reads: readers compare versions`]
      : [`    consistency: strong`]),
  );

  if (prev && i % 3 === 0) {
    const pnoun = NOUNS[(i - 1) % NOUNS.length];
    s.workflows.push(
      `  # Places a ${noun} across two services; compensates on failure.`,
      `  - name: place-${noun}-${i}`,
      `    pattern: saga`,
      `    partial_means: the ${pnoun} exists but the ${noun} does not`,
      `    on_partial_failure: compensate`,
      `    requirements: [${req}]`,
      `    steps:`,
      `      - operation: ${prev}.create-${pnoun}`,
      `        compensation: ${prev}.cancel-${pnoun}`,
      `      - operation: ${svc}.create-${noun}`,
      `        compensation: ${svc}.cancel-${noun}`,
      `      - operation: ${svc}.get-${noun}`,
      `    failure_scenarios:`,
      `      - when: ${svc}.create-${noun} times out`,
      `        recovery: look the ${noun} up by idempotency key, then cancel the ${pnoun} or continue`,
      `        requirement: ${req}`,
    );
  }
}

/**
 * A design of about `lines` lines (at least that many, rounded up to a whole domain). Another
 * `seed` gives another design of the same shape (other slips, other choices).
 */
export function generateDesign(lines: number, seed = 0x5eed): string {
  const rnd = prng(seed);
  const s: Sections = { requirements: [], services: [], channels: [], data: [], workflows: [] };
  const header = [
    '# A generated design for benchmarks: many services, channels, data stores and workflows.',
    'design: generated',
    'dsl: 1',
    'description: Benchmark design generated by test/bench/generate.ts',
    'owners: [platform-team]',
    '',
  ];
  // Section keys, blank lines and the review block.
  const fixed = header.length + 5 * 2 + 8;
  let i = 0;
  // The last domain's consumer handler names the next domain's service: one more domain
  // is always emitted after the target is reached, so every reference resolves.
  while (fixed + count(s) < lines || i < 2) {
    addDomain(s, i, rnd);
    i++;
  }
  const last = i;
  const nextNoun = NOUNS[last % NOUNS.length];
  s.services.push(
    `  - name: ${nextNoun}-svc-${last}`,
    `    operations:`,
    `      - name: apply-${nextNoun}-event`,
    `        type: command`,
    `        interaction: batch`,
    `        timeout: 30s`,
    `        idempotency: {key: body:event_id, retention: 7d}`,
  );
  // External targets of calls are outside the design by definition; nothing to declare.
  const out = [
    ...header,
    'requirements:',
    ...s.requirements,
    '',
    'services:',
    ...s.services,
    '',
    'channels:',
    ...s.channels,
    '',
    'data:',
    ...s.data,
    '',
    'workflows:',
    ...s.workflows,
    '',
    'review:',
    '  status: in-review',
    '  reviewers: [alice, bob]',
    '  checklist:',
    '    delivery: done',
    '    retries: open',
    '    duplicates: done',
    '',
  ];
  return out.join('\n');
}
