// Realistic designs of a given size for the benchmarks: deterministic, mixing services,
// operations with calls and retry policies, channels with consumers, data and sagas, with
// comments, so that every rule has elements to visit. (A minimal version written for the
// language-server benchmark; the CLI's benchmark shares it.)

function service(i: number, services: number): string[] {
  const next = (i + 1) % services;
  return [
    `  # Service ${i}: owns store-${i} and publishes events-${i}.`,
    `  - name: svc-${i}`,
    `    description: service number ${i}`,
    '    operations:',
    `      - name: create`,
    '        type: command',
    '        interaction: interactive',
    '        timeout: 3s',
    '        idempotency:',
    '          key: header:Idempotency-Key',
    '          retention: 24h',
    `        writes: [store-${i}]`,
    `        publishes: [events-${i}]`,
    '        outbox: true            # the row and its event commit together',
    '        requirements: [R1]',
    '        calls:',
    `          - to: svc-${next}.lookup`,
    '            timeout: 800ms',
    '            on_timeout: reconcile',
    '            retry:',
    '              max_attempts: 3',
    '              backoff: exponential-jitter',
    '              initial_delay: 50ms',
    '              max_delay: 400ms',
    '              retry_on: [503, 504, timeout, network]',
    '              respect_retry_after: true',
    '              budget: 10%',
    '              deadline: 2s',
    '            circuit_breaker: {failure_threshold: 50%, open_for: 30s}',
    '      - name: lookup',
    '        type: query',
    '        interaction: interactive',
    '        timeout: 1s',
    '      - name: undo',
    '        type: command',
    '        interaction: batch',
    '        timeout: 30s',
    '        idempotency: {natural: true}   # undoing twice is a no-op',
  ];
}

function channel(i: number): string[] {
  return [
    `  - name: events-${i}`,
    '    kind: topic',
    '    delivery: at-least-once',
    '    ordering: per-partition',
    '    partition_key: order_id',
    '    requirements: [R2]',
    '    consumers:',
    `      - service: svc-${i}`,
    '        deduplication: {key: event_id, window: 7d}',
    '        expects_order: true',
  ];
}

function data(i: number): string[] {
  return [`  - name: store-${i}`, '    category: other', `    owner: svc-${i}`, '    consistency: strong'];
}

function workflow(i: number, services: number): string[] {
  const next = (i + 1) % services;
  return [
    `  - name: flow-${i}`,
    '    pattern: saga',
    `    partial_means: svc-${i} created but svc-${next} not`,
    '    on_partial_failure: compensate',
    '    requirements: [R3]',
    '    steps:',
    `      - operation: svc-${i}.create`,
    `        compensation: svc-${i}.undo`,
    `      - operation: svc-${next}.create`,
    '    failure_scenarios:',
    `      - when: svc-${next}.create times out`,
    '        recovery: look the record up by its idempotency key, then undo or continue',
    '        requirement: R3',
  ];
}

const HEAD = [
  '# A generated design for benchmarks.',
  'design: generated',
  'dsl: 1',
  'description: many services calling each other',
  'requirements:',
  '  - id: R1',
  '    text: never charged twice',
  '    duplicates: harmful',
  '    loss: unacceptable',
  '  - id: R2',
  '    text: events in order per order',
  '    loss: unacceptable',
  '    ordering: per-key',
  '    ordering_key: order_id',
  '  - id: R3',
  '    text: a partial checkout is undone',
  '    partial_success: rollback',
  '    edge_case: true',
];

/** A design of about `lines` lines (never fewer). */
export function generateDesign(lines: number): string {
  const perService = service(0, 2).length + channel(0).length + data(0).length + workflow(0, 2).length;
  const services = Math.max(2, Math.ceil((lines - HEAD.length - 4) / perService));
  const out = [...HEAD, 'services:'];
  for (let i = 0; i < services; i++) {
    out.push(...service(i, services));
  }
  out.push('channels:');
  for (let i = 0; i < services; i++) {
    out.push(...channel(i));
  }
  out.push('data:');
  for (let i = 0; i < services; i++) {
    out.push(...data(i));
  }
  out.push('workflows:');
  for (let i = 0; i < services; i++) {
    out.push(...workflow(i, services));
  }
  return out.join('\n') + '\n';
}
