// The DSL, declared once as data (dsl.md). It drives DSN002/DSN003/DSN006, the typed
// model, hovers, completion and the exported JSON Schema. The knowledge contract's
// (distributed-system-basics) words about a value live here, beside the value (`seed`:
// the section or line of the contract they come from).

export type RefKind = 'operation' | 'channel' | 'data' | 'requirement' | 'rule' | 'service' | 'workflow';

export interface EnumValue {
  value: string;
  doc: string;
  useWhen?: string;
  tradeOff?: string;
  /** The section of the knowledge contract the text comes from. */
  seed?: string;
}

export type ValueType =
  | { t: 'string' }
  | { t: 'int'; min?: number; max?: number }
  | { t: 'bool' }
  | { t: 'duration' }
  | { t: 'percent' }
  | { t: 'enum'; values: EnumValue[] }
  | { t: 'ref'; ref: RefKind }
  | { t: 'list'; of: ValueType }
  | { t: 'object'; kind: ObjectKind }
  /** An integer from `min`, or the word `unlimited` (max_attempts). */
  | { t: 'attempts' }
  /** An HTTP status, a symbol of dsl.md, or a code of the target's `errors.non_retryable`. */
  | { t: 'retryCode' }
  /** An HTTP status or a free code (errors.non_retryable). */
  | { t: 'code' }
  /** Keys are concern areas, values checklist states. */
  | { t: 'checklist' };

export interface KeySpec {
  key: string;
  type: ValueType;
  required?: boolean;
  doc: string;
  /** A line of the knowledge contract the key's hover quotes. */
  seed?: string;
  /** Placeholder a fix inserts for a missing required key. */
  placeholder?: string;
}

export type ObjectKind =
  | 'design'
  | 'requirement'
  | 'service'
  | 'operation'
  | 'idempotency'
  | 'errors'
  | 'call'
  | 'retry'
  | 'circuitBreaker'
  | 'channel'
  | 'consumer'
  | 'deduplication'
  | 'data'
  | 'workflow'
  | 'step'
  | 'failureScenario'
  | 'review'
  | 'waiver';

export interface ObjectSpec {
  kind: ObjectKind;
  title: string;
  /** The key that names a list item; findings about a missing key of the item land on its value. */
  idKey?: string;
  keys: KeySpec[];
}

const str = { t: 'string' } as const;
const bool = { t: 'bool' } as const;
const duration = { t: 'duration' } as const;
const percent = { t: 'percent' } as const;
const list = (of: ValueType): ValueType => ({ t: 'list', of });
const obj = (kind: ObjectKind): ValueType => ({ t: 'object', kind });
const ref = (r: RefKind): ValueType => ({ t: 'ref', ref: r });
const enumOf = (...values: EnumValue[]): ValueType => ({ t: 'enum', values });

export const RETRY_SYMBOLS: Record<string, string> = {
  timeout: 'the call timed out: the outcome is unknown (retry only with idempotency)',
  network: 'a transient network failure',
  unavailable: 'temporary resource unavailability (503)',
  'rate-limited': 'rate limit exceeded (429): retry with backoff',
  'client-error': 'a client error (400, 401, 403, 404, 422): never retried',
  validation: 'a malformed or invalid request: never retried',
  'business-rule': 'a business rule violation: never retried',
  malformed: 'a malformed request: never retried',
};

export const DELIVERY_VALUES: EnumValue[] = [
  {
    value: 'at-most-once',
    seed: 'Delivery Guarantees › At-Most-Once',
    doc: 'Message may be lost but never delivered twice.',
    useWhen: 'loss is acceptable, retries are not, throughput is priority',
    tradeOff: 'simplicity and speed at the cost of reliability',
  },
  {
    value: 'at-least-once',
    seed: 'Delivery Guarantees › At-Least-Once',
    doc: 'Message is never lost but may be delivered more than once. Most common default for production systems.',
    useWhen: 'loss is unacceptable, consumers are idempotent or can deduplicate',
    tradeOff: 'reliability at the cost of requiring idempotency handling',
  },
  {
    value: 'exactly-once',
    seed: 'Delivery Guarantees › Exactly-Once',
    doc: 'Message is delivered once and only once. Often achieved via idempotency + at-least-once rather than true exactly-once protocol.',
    useWhen: 'duplicates are harmful and idempotency is hard or impossible',
    tradeOff: 'significant complexity, performance overhead, and coordination cost',
  },
];

export const BACKOFF_VALUES: EnumValue[] = [
  {
    value: 'fixed',
    seed: 'Retry Behavior › Retry Strategy Parameters',
    doc: 'Fixed interval between attempts.',
    tradeOff: 'predictable but may overwhelm recovering service',
  },
  {
    value: 'exponential',
    seed: 'Retry Behavior › Retry Strategy Parameters',
    doc: 'Exponential backoff: increasingly longer waits (recommended default).',
    tradeOff: 'callers that failed together retry together: without jitter they arrive in waves',
  },
  {
    value: 'exponential-jitter',
    seed: 'Retry Behavior › Retry Strategy Parameters',
    doc: 'Exponential backoff with jitter: adds randomness to avoid thundering herd.',
    useWhen: 'almost always: the recommended default, with randomness added',
  },
];

export const ORDERING_CHANNEL_VALUES: EnumValue[] = [
  {
    value: 'per-partition',
    seed: 'Ordering Guarantees › Per-Partition Ordering',
    doc: 'Messages within a single partition or queue are ordered.',
    useWhen: 'operation sequence matters within a context (e.g., per user, per order)',
    tradeOff: 'ensure the partition key is set to the context identifier',
  },
  {
    value: 'global',
    seed: 'Ordering Guarantees › Global Ordering',
    doc: 'All messages across all partitions are ordered.',
    useWhen: 'global sequence matters (rare)',
    tradeOff: 'severely limits throughput and availability; avoid unless the PRD explicitly requires it',
  },
  {
    value: 'none',
    seed: 'Ordering Guarantees › No Ordering Guarantee',
    doc: 'Messages may arrive in any order.',
    useWhen: 'operations are independent and order does not matter',
    tradeOff: 'ensure consumers can handle out-of-order delivery',
  },
];

export const CONSISTENCY_VALUES: EnumValue[] = [
  {
    value: 'strong',
    seed: 'Eventual Consistency › When NOT to use',
    doc: 'Every read sees the latest write.',
    useWhen:
      'financial balances where immediate consistency is required, inventory counts where overselling is unacceptable, authorization decisions where stale permissions are harmful, or where the PRD requires it',
    tradeOff: 'do not use strong consistency when eventual consistency would suffice',
  },
  {
    value: 'eventual',
    seed: 'Eventual Consistency',
    doc: 'Updates propagate asynchronously; reads may return stale data for a bounded period; all replicas eventually converge.',
    useWhen:
      'cross-service data synchronization, read replicas and caching, event-driven architectures, high-write low-latency-requirement scenarios',
    tradeOff: 'define the staleness bound, how readers detect stale data, and the convergence guarantee',
  },
];

/**
 * The checklist states, their one home: each with its hover text, in the order editors
 * offer them. The first is what an area without an entry is in.
 */
const CHECKLIST_STATE_DOCS = {
  open: 'The area has not been reviewed yet.',
  done: 'The area was reviewed and its findings resolved.',
  'accepted-risk': 'The area was reviewed and its remaining findings were accepted, with a reason.',
} as const;

export type ChecklistState = keyof typeof CHECKLIST_STATE_DOCS;
export const CHECKLIST_STATES = Object.keys(CHECKLIST_STATE_DOCS) as readonly ChecklistState[];
/** The state of an area the checklist does not list. */
export const DEFAULT_CHECKLIST_STATE: ChecklistState = CHECKLIST_STATES[0];
const CHECKLIST_STATE_ENUM: EnumValue[] = CHECKLIST_STATES.map((value) => ({ value, doc: CHECKLIST_STATE_DOCS[value] }));

/** "`open`, `done` or `accepted-risk`" */
export function checklistStatesText(): string {
  const q = CHECKLIST_STATES.map((s) => '`' + s + '`');
  return q.slice(0, -1).join(', ') + ' or ' + q[q.length - 1];
}

export const SCHEMA: Record<ObjectKind, ObjectSpec> = {
  design: {
    kind: 'design',
    title: 'design',
    keys: [
      { key: 'design', type: str, required: true, doc: "The design's name.", placeholder: 'my-design' },
      { key: 'dsl', type: { t: 'int', min: 1, max: 1 }, required: true, doc: 'The version of the design DSL: `1`.', placeholder: '1' },
      { key: 'description', type: str, doc: 'What the design is for.' },
      { key: 'owners', type: list(str), doc: 'The teams or people who own the design.' },
      { key: 'requirements', type: list(obj('requirement')), doc: "The PRD's requirements, as checkable constraints that the rules read." },
      { key: 'services', type: list(obj('service')), doc: 'The services of the design, with their operations and outbound calls.' },
      { key: 'channels', type: list(obj('channel')), doc: 'Queues and topics, with their delivery and ordering guarantees and their consumers.' },
      { key: 'data', type: list(obj('data')), doc: 'Stores of data, with their consistency.' },
      { key: 'workflows', type: list(obj('workflow')), doc: 'Multi-step operations: sagas and atomic workflows, with their failure scenarios.' },
      { key: 'review', type: obj('review'), doc: 'The review state, kept in the file so that it is versioned with the design.' },
    ],
  },
  requirement: {
    kind: 'requirement',
    title: 'requirement',
    idKey: 'id',
    keys: [
      { key: 'id', type: str, required: true, doc: 'The unique id other elements cite in `requirements: [...]`.', placeholder: 'R1' },
      { key: 'text', type: str, required: true, doc: "The requirement, in the PRD's words.", placeholder: 'TODO: the requirement in the PRD\'s words' },
      {
        key: 'duplicates',
        type: enumOf(
          { value: 'harmful', doc: 'A duplicate causes harm (a double charge): delivery must be deduplicated or exactly-once.' },
          { value: 'tolerable', doc: 'A duplicate does no harm.' },
        ),
        doc: 'Whether duplicates are harmful to the product.',
      },
      {
        key: 'loss',
        type: enumOf(
          { value: 'unacceptable', doc: 'No message may be lost: at-least-once or stronger.' },
          { value: 'acceptable', doc: 'A lost message is tolerable: at-most-once is enough.' },
        ),
        doc: 'Whether losing a message is acceptable.',
      },
      {
        key: 'consistency',
        type: enumOf(
          { value: 'strong', doc: 'The PRD requires strong consistency: eventual consistency must not be used.' },
          { value: 'eventual', doc: 'Eventual consistency is acceptable, within `max_staleness`.' },
        ),
        doc: 'The consistency the PRD requires of data that cites this requirement.',
        seed: 'Any scenario the PRD marks as requiring strong consistency',
      },
      { key: 'max_staleness', type: duration, doc: 'The staleness the product can accept.', seed: 'Define acceptable staleness bounds per data type' },
      {
        key: 'ordering',
        type: enumOf(
          { value: 'global', doc: 'The PRD requires one global sequence (rare).' },
          { value: 'per-key', doc: 'Order matters within a context (per user, per order): see `ordering_key`.' },
          { value: 'none', doc: 'Order does not matter.' },
        ),
        doc: 'The ordering the PRD requires.',
      },
      { key: 'ordering_key', type: str, doc: 'The context identifier order is kept by, with `ordering: per-key`.', seed: 'Ensure: partition key is set to the context identifier' },
      {
        key: 'partial_success',
        type: enumOf(
          { value: 'acceptable', doc: 'Partial success is acceptable.' },
          { value: 'rollback', doc: 'Partial success must be fully rolled back.' },
        ),
        doc: 'Whether partial success is acceptable or must be fully rolled back.',
        seed: 'Define whether partial success is acceptable or must be fully rolled back',
      },
      { key: 'edge_case', type: bool, doc: 'A PRD edge case that failure scenarios map to.', seed: 'Map partial failure scenarios to PRD edge cases' },
    ],
  },
  service: {
    kind: 'service',
    title: 'service',
    idKey: 'name',
    keys: [
      { key: 'name', type: str, required: true, doc: "The service's name.", placeholder: 'my-service' },
      { key: 'description', type: str, doc: 'What the service does.' },
      { key: 'operations', type: list(obj('operation')), doc: 'The operations the service offers, referred to as `service.operation`.' },
      { key: 'requirements', type: list(ref('requirement')), doc: 'Requirements this element must meet.' },
    ],
  },
  operation: {
    kind: 'operation',
    title: 'operation',
    idKey: 'name',
    keys: [
      { key: 'name', type: str, required: true, doc: "The operation's name; others refer to it as `service.operation`.", placeholder: 'my-operation' },
      { key: 'description', type: str, doc: 'What the operation does.' },
      {
        key: 'type',
        type: enumOf(
          { value: 'query', doc: 'Reads without changing state: naturally idempotent (Natural idempotency: read operations).', seed: 'Duplicate Requests › Handling strategies' },
          { value: 'command', doc: 'Changes state: a duplicate (network retry, client timeout with successful server processing, user double-submit) repeats the change unless the operation is idempotent.', seed: 'Duplicate Requests' },
        ),
        doc: 'Whether the operation reads (query) or changes state (command).',
      },
      {
        key: 'interaction',
        type: enumOf(
          { value: 'interactive', doc: 'A caller waits for the answer: timeouts are short.', seed: 'Timeout vs Failure › Design implications' },
          { value: 'batch', doc: 'Nobody waits interactively: timeouts are long.', seed: 'Timeout vs Failure › Design implications' },
        ),
        doc: 'Interactive or batch: decides what timeout fits.',
        seed: 'Define timeout values per operation type (short for interactive, long for batch)',
      },
      { key: 'timeout', type: duration, doc: 'The timeout documented in the API contract.', seed: 'Document timeout values in API contracts' },
      { key: 'idempotency', type: obj('idempotency'), doc: 'How duplicates are made harmless: an idempotency key, or natural idempotency.', seed: 'Idempotency keys (preferred for API operations)' },
      { key: 'errors', type: obj('errors'), doc: "The API contract's errors." },
      { key: 'batch', type: bool, doc: 'A batch operation, which may partially succeed.', seed: 'A batch operation partially succeeds' },
      {
        key: 'partial_success',
        type: enumOf(
          { value: 'multi-status', doc: 'Partial success responses (207 Multi-Status for batch operations).', seed: 'Partial Failure › Handling strategies' },
          { value: 'all-or-nothing', doc: 'The batch succeeds or fails as a whole (atomic).', seed: 'Partial Failure › Handling strategies' },
        ),
        doc: 'What a batch returns when some of its items fail.',
      },
      { key: 'writes', type: list(ref('data')), doc: 'The data this operation writes.' },
      { key: 'publishes', type: list(ref('channel')), doc: 'The channels this operation publishes to.' },
      { key: 'outbox', type: bool, doc: 'Writes and publishes go through an outbox, so both happen or neither.', seed: 'Outbox pattern for ensuring eventual consistency' },
      { key: 'requirements', type: list(ref('requirement')), doc: 'Requirements this element must meet.' },
      { key: 'calls', type: list(obj('call')), doc: 'Outbound calls, each a network call that can fail.', seed: 'Assuming network calls never fail' },
    ],
  },
  idempotency: {
    kind: 'idempotency',
    title: 'idempotency',
    keys: [
      { key: 'key', type: str, doc: 'Where the idempotency key comes from, e.g. `header:Idempotency-Key`.', seed: 'Idempotency keys (preferred for API operations)' },
      { key: 'natural', type: bool, doc: 'The operation is naturally idempotent (a read, or a write such as set-to-value).', seed: 'Natural idempotency (read operations, certain write patterns)' },
      { key: 'retention', type: duration, doc: 'How long idempotency keys are kept: they must outlive the retry window.' },
    ],
  },
  errors: {
    kind: 'errors',
    title: 'errors',
    keys: [
      {
        key: 'non_retryable',
        type: list({ t: 'code' }),
        doc: "The API contract's non-retryable error codes: callers must not retry them.",
        seed: 'Non-retryable error codes explicitly defined in the API contract',
      },
    ],
  },
  call: {
    kind: 'call',
    title: 'call',
    idKey: 'to',
    keys: [
      { key: 'to', type: ref('operation'), required: true, doc: 'The target: an operation of this design as `service.operation`, or an external name with `external: true`.', placeholder: 'service.operation' },
      { key: 'external', type: bool, doc: 'The target is a system outside the design.' },
      { key: 'idempotent', type: bool, doc: 'For an external target: is it safe to repeat?' },
      { key: 'timeout', type: duration, doc: "The call's timeout. A timeout is not a failure: the operation may have succeeded.", seed: 'The operation may have succeeded; you just do not know' },
      {
        key: 'on_timeout',
        type: enumOf(
          { value: 'reconcile', doc: 'Check state before retrying: look the outcome up, then continue or retry.', seed: 'For timeouts, retry with idempotency or check state before retrying' },
          { value: 'retry', doc: 'Retry: safe only toward an idempotent target.', seed: 'For timeouts, retry with idempotency or check state before retrying' },
          { value: 'fallback', doc: 'Use the `fallback` behaviour; the call may still have taken effect.' },
          { value: 'fail', doc: 'Treat the timeout as a failure: wrong, since the operation may have succeeded.', seed: 'Must be handled as "unknown state" not "failed state"' },
        ),
        doc: 'What the caller does when the outcome is still unknown after the retries.',
        seed: 'Must be handled as "unknown state" not "failed state"',
      },
      { key: 'fallback', type: str, doc: 'The fallback behaviour, with `on_timeout: fallback`.' },
      { key: 'retry', type: obj('retry'), doc: 'The retry policy of the call.' },
      { key: 'circuit_breaker', type: obj('circuitBreaker'), doc: 'Stops calling a failing target for a while.', seed: 'Infinite retries without a circuit breaker' },
      { key: 'requirements', type: list(ref('requirement')), doc: 'Requirements this element must meet.' },
    ],
  },
  retry: {
    kind: 'retry',
    title: 'retry policy',
    keys: [
      { key: 'max_attempts', type: { t: 'attempts' }, doc: 'Attempts in all, the first included; `unlimited` is allowed and is checked.', seed: 'Maximum retries: define per operation (typically 2-5)' },
      { key: 'backoff', type: enumOf(...BACKOFF_VALUES), doc: 'How the wait between attempts grows.', seed: 'Exponential backoff (recommended default)' },
      { key: 'initial_delay', type: duration, doc: 'The wait before the first retry.' },
      { key: 'max_delay', type: duration, doc: 'The longest wait between attempts.' },
      { key: 'retry_on', type: list({ t: 'retryCode' }), doc: 'The errors that are retried: transient ones only.', seed: 'When to Retry / When NOT to Retry' },
      { key: 'respect_retry_after', type: bool, doc: 'Waits as long as a Retry-After header asks.', seed: 'Ignoring Retry-After headers' },
      { key: 'budget', type: percent, doc: 'The share of calls that may be retries, per window.', seed: 'Retry budget: limit total retries per time window to prevent cascading failure' },
      { key: 'deadline', type: duration, doc: 'The overall bound across attempts.', seed: 'Synchronous retries that block the caller indefinitely' },
    ],
  },
  circuitBreaker: {
    kind: 'circuitBreaker',
    title: 'circuit breaker',
    keys: [
      { key: 'failure_threshold', type: percent, doc: 'The failure rate that opens the circuit.' },
      { key: 'open_for', type: duration, doc: 'How long the circuit stays open before a trial call.' },
    ],
  },
  channel: {
    kind: 'channel',
    title: 'channel',
    idKey: 'name',
    keys: [
      { key: 'name', type: str, required: true, doc: "The channel's name.", placeholder: 'my-channel' },
      { key: 'description', type: str, doc: 'What flows through the channel.' },
      {
        key: 'kind',
        type: enumOf({ value: 'topic', doc: 'Published to every subscriber.' }, { value: 'queue', doc: 'Each message goes to one consumer.' }),
        doc: 'Topic or queue.',
      },
      { key: 'delivery', type: enumOf(...DELIVERY_VALUES), doc: 'The delivery guarantee of the channel.', seed: 'State the guarantee clearly' },
      {
        key: 'mechanism',
        type: enumOf(
          { value: 'idempotent-consumer', doc: 'Exactly-once effect through idempotency + at-least-once delivery.', seed: 'Often achieved via idempotency + at-least-once rather than true exactly-once protocol' },
          { value: 'transactional', doc: 'A transactional exactly-once protocol: significant complexity and coordination cost.' },
        ),
        doc: 'How exactly-once is achieved.',
      },
      { key: 'ordering', type: enumOf(...ORDERING_CHANNEL_VALUES), doc: 'The ordering guarantee of the channel.', seed: 'Define ordering guarantees per queue/topic: State the guarantee clearly' },
      { key: 'partition_key', type: str, doc: 'The key messages are partitioned by, with per-partition ordering: the context identifier.', seed: 'Ensure: partition key is set to the context identifier' },
      { key: 'out_of_order', type: str, doc: 'How consumers handle out-of-order delivery.', seed: 'Define how out-of-order delivery is handled when ordering is expected but not guaranteed' },
      { key: 'requirements', type: list(ref('requirement')), doc: 'Requirements this element must meet.' },
      { key: 'consumers', type: list(obj('consumer')), doc: 'The consumers of the channel.' },
    ],
  },
  consumer: {
    kind: 'consumer',
    title: 'consumer',
    idKey: 'service',
    keys: [
      { key: 'service', type: str, required: true, doc: 'The consuming service.', placeholder: 'my-service' },
      { key: 'handler', type: ref('operation'), doc: 'The operation that handles each message, as `service.operation`.' },
      { key: 'deduplication', type: obj('deduplication'), doc: 'Deduplication at consumer level (for event processing).', seed: 'Deduplication at consumer level (for event processing)' },
      { key: 'idempotent', type: bool, doc: 'The handler is naturally idempotent.', seed: 'Natural idempotency (read operations, certain write patterns)' },
      { key: 'expects_order', type: bool, doc: 'The handler relies on ordered delivery.' },
      { key: 'dead_letter', type: str, doc: 'Where messages that keep failing go (a free name).' },
    ],
  },
  deduplication: {
    kind: 'deduplication',
    title: 'deduplication',
    keys: [
      { key: 'key', type: str, doc: 'The message field that identifies duplicates.' },
      { key: 'window', type: duration, doc: 'How long seen keys are remembered: longer than redelivery can take.' },
    ],
  },
  data: {
    kind: 'data',
    title: 'data',
    idKey: 'name',
    keys: [
      { key: 'name', type: str, required: true, doc: "The data's name.", placeholder: 'my-data' },
      { key: 'description', type: str, doc: 'What the data holds.' },
      {
        key: 'category',
        type: enumOf(
          { value: 'financial-balance', doc: 'Financial balances where immediate consistency is required.', seed: 'Eventual Consistency › When NOT to use' },
          { value: 'inventory-count', doc: 'Inventory counts where overselling is unacceptable.', seed: 'Eventual Consistency › When NOT to use' },
          { value: 'authorization', doc: 'Authorization decisions where stale permissions are harmful.', seed: 'Eventual Consistency › When NOT to use' },
          { value: 'catalog', doc: 'Reference data that tolerates staleness.', seed: 'Eventual Consistency › When to use' },
          { value: 'cache', doc: 'Read replicas and caching.', seed: 'Eventual Consistency › When to use' },
          { value: 'read-replica', doc: 'Read replicas and caching.', seed: 'Eventual Consistency › When to use' },
          { value: 'analytics', doc: 'High-write, low-latency-requirement scenarios.', seed: 'Eventual Consistency › When to use' },
          { value: 'other', doc: 'None of the above.' },
        ),
        doc: 'What kind of data this is: decides which consistency fits.',
      },
      { key: 'owner', type: str, doc: 'The service that owns the data.' },
      { key: 'consistency', type: enumOf(...CONSISTENCY_VALUES), doc: 'Strong or eventual consistency.', seed: 'Document which data is eventually consistent and which is strongly consistent' },
      { key: 'staleness_bound', type: duration, doc: 'How stale a read may be, with eventual consistency.', seed: 'Define acceptable staleness bounds per data type' },
      {
        key: 'convergence',
        type: enumOf(
          { value: 'time-bound', doc: 'Replicas converge within a bounded time.', seed: 'Define convergence guarantees (time-bound, version-bound)' },
          { value: 'version-bound', doc: 'Replicas converge within a bounded number of versions.', seed: 'Define convergence guarantees (time-bound, version-bound)' },
        ),
        doc: 'The convergence guarantee.',
        seed: 'Define convergence guarantees (time-bound, version-bound)',
      },
      { key: 'stale_reads', type: str, doc: 'How readers detect and handle stale data.', seed: 'Define how consumers detect and handle stale data' },
      { key: 'requirements', type: list(ref('requirement')), doc: 'Requirements this element must meet.' },
    ],
  },
  workflow: {
    kind: 'workflow',
    title: 'workflow',
    idKey: 'name',
    keys: [
      { key: 'name', type: str, required: true, doc: "The workflow's name.", placeholder: 'my-workflow' },
      { key: 'description', type: str, doc: 'What the workflow does.' },
      {
        key: 'pattern',
        type: enumOf(
          { value: 'saga', doc: 'Compensating transactions (saga pattern) for multi-service operations.', seed: 'Partial Failure › Handling strategies' },
          { value: 'atomic', doc: 'Atomic operations where possible (single-service transactions).', seed: 'Partial Failure › Handling strategies' },
        ),
        doc: 'Saga (compensations) or atomic (one transaction).',
      },
      { key: 'partial_means', type: str, doc: 'What "partial" means for this workflow.', seed: 'Define what "partial" means for each operation' },
      {
        key: 'on_partial_failure',
        type: enumOf(
          { value: 'compensate', doc: 'Run the compensations of the steps that succeeded.' },
          { value: 'rollback', doc: 'Roll everything back.' },
          { value: 'accept-partial', doc: 'Keep the partial result.' },
        ),
        doc: 'Whether partial success is acceptable or must be fully rolled back.',
        seed: 'Define whether partial success is acceptable or must be fully rolled back',
      },
      { key: 'requirements', type: list(ref('requirement')), doc: 'Requirements this element must meet.' },
      { key: 'steps', type: list(obj('step')), doc: 'The steps, in order.' },
      { key: 'failure_scenarios', type: list(obj('failureScenario')), doc: 'What can fail part-way, and how it is recovered.', seed: 'Document recovery procedures for each partial failure scenario' },
    ],
  },
  step: {
    kind: 'step',
    title: 'step',
    idKey: 'operation',
    keys: [
      { key: 'operation', type: ref('operation'), required: true, doc: 'The operation this step runs, as `service.operation`.', placeholder: 'service.operation' },
      { key: 'compensation', type: ref('operation'), doc: "The operation that undoes this step's effect.", seed: 'Compensating transactions (saga pattern) for multi-service operations' },
    ],
  },
  failureScenario: {
    kind: 'failureScenario',
    title: 'failure scenario',
    idKey: 'when',
    keys: [
      { key: 'when', type: str, required: true, doc: 'What fails, and after which steps.', placeholder: 'TODO: what fails' },
      { key: 'recovery', type: str, doc: 'The recovery procedure.', seed: 'Document recovery procedures for each partial failure scenario' },
      { key: 'requirement', type: ref('requirement'), doc: 'The PRD edge case this scenario maps to.', seed: 'Map partial failure scenarios to PRD edge cases' },
    ],
  },
  review: {
    kind: 'review',
    title: 'review',
    keys: [
      {
        key: 'status',
        type: enumOf(
          { value: 'draft', doc: 'Being written.' },
          { value: 'in-review', doc: 'Under review.' },
          { value: 'approved', doc: 'Approved.' },
        ),
        doc: 'The review status of the design.',
      },
      { key: 'reviewers', type: list(str), doc: 'Who reviews the design.' },
      { key: 'checklist', type: { t: 'checklist' }, doc: `One entry per concern area: ${CHECKLIST_STATES.slice(0, -1).join(', ')} or ${CHECKLIST_STATES[CHECKLIST_STATES.length - 1]} (absent = ${DEFAULT_CHECKLIST_STATE}).` },
      { key: 'waivers', type: list(obj('waiver')), doc: 'Accepted findings, each with a reason.' },
    ],
  },
  waiver: {
    kind: 'waiver',
    title: 'waiver',
    idKey: 'rule',
    keys: [
      { key: 'rule', type: ref('rule'), required: true, doc: 'The id of the rule whose finding is accepted.', placeholder: 'RULE000' },
      { key: 'at', type: str, doc: 'Where: a path such as `services.payments.operations.charge.calls[0].retry`. Without it, the rule is waived in the whole file.' },
      { key: 'reason', type: str, doc: 'Why the finding is accepted. A waiver without a reason waives nothing.' },
    ],
  },
};

export const CHECKLIST_STATE_VALUES = CHECKLIST_STATE_ENUM;

export function keySpec(kind: ObjectKind, key: string): KeySpec | undefined {
  return SCHEMA[kind].keys.find((k) => k.key === key);
}

/** The keys the schema lists before `key` in a `kind` mapping: a fix inserts `key` after them. */
export function keysBefore(kind: ObjectKind, key: string): string[] {
  const keys = SCHEMA[kind].keys.map((k) => k.key);
  const i = keys.indexOf(key);
  return i < 0 ? keys : keys.slice(0, i);
}

/** A one-line description of a value type, for messages and hovers. */
export function describeType(t: ValueType): string {
  switch (t.t) {
    case 'string':
      return 'a string';
    case 'int':
      return t.min === t.max && t.min !== undefined ? `the number ${t.min}` : 'a whole number';
    case 'bool':
      return '`true` or `false`';
    case 'duration':
      return 'a duration such as `150ms`, `2s`, `5m`, `1h` or `7d`';
    case 'percent':
      return 'a percentage such as `10%`';
    case 'enum':
      return 'one of ' + t.values.map((v) => '`' + v.value + '`').join(', ');
    case 'ref':
      return t.ref === 'operation' ? 'an operation as `service.operation`' : `the name of a ${t.ref}`;
    case 'list':
      return t.of.t === 'object' ? `a list of ${SCHEMA[t.of.kind].title}s` : 'a list of ' + describeType(t.of).replace(/^an? /, '').replace(/^(string|whole number|percentage|duration)/, '$1s');
    case 'object':
      return `a mapping (${SCHEMA[t.kind].title})`;
    case 'attempts':
      return 'a whole number of attempts (1 or more) or `unlimited`';
    case 'retryCode':
      return 'an HTTP status, one of ' + Object.keys(RETRY_SYMBOLS).map((s) => '`' + s + '`').join(', ') + ", or a code of the target's `errors.non_retryable`";
    case 'code':
      return 'an HTTP status or an error code';
    case 'checklist':
      return 'a mapping from concern area to ' + checklistStatesText();
  }
}

/** Durations of dsl.md: an integer and a unit. */
export function parseDuration(s: unknown): number | undefined {
  if (typeof s !== 'string') {
    return undefined;
  }
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(s);
  if (!m) {
    return undefined;
  }
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return n * unit;
}

export function parsePercent(s: unknown): number | undefined {
  if (typeof s !== 'string') {
    return undefined;
  }
  const m = /^(\d+(?:\.\d+)?)%$/.exec(s);
  if (!m) {
    return undefined;
  }
  const n = Number(m[1]);
  return n <= 100 ? n : undefined;
}
