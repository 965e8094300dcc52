// Names → elements, and the cross-element facts rules share: a call's target and whether
// it is idempotent, the requirements an element cites, the channel of a consumer.
import { bool, child, Design, Element, items, Operation, str } from './model';

export interface Index {
  operations: Map<string, Operation>;
  services: Map<string, Element>;
  channels: Map<string, Element>;
  data: Map<string, Element>;
  requirements: Map<string, Element>;
  workflows: Map<string, Element>;
  /** Elements of each kind in declaration order, duplicates included (DSN005 reads them). */
  design: Design;
}

export function buildIndex(d: Design): Index {
  const first = <T extends Element>(els: T[], nameOf: (e: T) => string | undefined): Map<string, T> => {
    const m = new Map<string, T>();
    for (const e of els) {
      const n = nameOf(e);
      if (n !== undefined && !m.has(n)) {
        m.set(n, e);
      }
    }
    return m;
  };
  return {
    operations: first(d.operations, (o) => o.qualifiedName),
    services: first(d.services, (s) => s.name),
    channels: first(d.channels, (c) => c.name),
    data: first(d.data, (c) => c.name),
    requirements: first(d.requirements, (c) => c.name),
    workflows: first(d.workflows, (c) => c.name),
    design: d,
  };
}

export type Target =
  | { kind: 'operation'; op: Operation; name: string }
  | { kind: 'external'; name: string }
  /** `to` names nothing: DSN004's, and no other rule guesses. */
  | { kind: 'unresolved'; name: string };

/** The target of a call, or undefined when `to` is missing or invalid. */
export function callTarget(ix: Index, call: Element): Target | undefined {
  const to = str(call, 'to');
  if (to === undefined) {
    return undefined;
  }
  if (bool(call, 'external') === true) {
    return { kind: 'external', name: to };
  }
  const op = ix.operations.get(to);
  return op ? { kind: 'operation', op, name: to } : { kind: 'unresolved', name: to };
}

/** Whether an operation makes duplicates harmless: a query, or `idempotency` with a key or `natural: true`. */
export function operationIdempotency(op: Element): 'query' | 'key' | 'natural' | 'none' | 'unknown' {
  const type = str(op, 'type');
  const idem = child(op, 'idempotency');
  if (idem) {
    if (bool(idem, 'natural') === true) {
      return 'natural';
    }
    if (str(idem, 'key') !== undefined) {
      return 'key';
    }
  }
  if (type === 'query') {
    return 'query';
  }
  if (op.fields.has('idempotency') && op.fields.get('idempotency')!.valid === false) {
    return 'unknown';
  }
  if (type === 'command') {
    // Only a `key` or `natural` that DSN003 reports leaves it open; `{retention: 7d}` or
    // `{natural: false}` makes no duplicate harmless.
    const unreadable = (k: string) => idem?.fields.has(k) === true && idem.fields.get(k)!.valid === false;
    return unreadable('key') || unreadable('natural') ? 'unknown' : 'none';
  }
  return 'unknown';
}

/**
 * Whether repeating a call is safe: true, false, or undefined where the design does not
 * say (an operation of unknown type, an unresolved target): rules stay silent then.
 */
export function targetIdempotent(ix: Index, call: Element): boolean | undefined {
  const t = callTarget(ix, call);
  if (!t || t.kind === 'unresolved') {
    return undefined;
  }
  if (t.kind === 'external') {
    const f = call.fields.get('idempotent');
    if (f && !f.valid) {
      return undefined;
    }
    return bool(call, 'idempotent') === true;
  }
  const i = operationIdempotency(t.op);
  return i === 'unknown' ? undefined : i !== 'none';
}

/** The requirements an element cites, resolved; unresolved ids are DSN004's and skipped. */
export function citedRequirements(ix: Index, el: Element): Element[] {
  const out: Element[] = [];
  for (const it of items(el, 'requirements')) {
    const r = ix.requirements.get(String(it.value));
    if (r && !out.includes(r)) {
      out.push(r);
    }
  }
  return out;
}

/** The operation that makes a call (a call's parent). */
export function callerOf(call: Element): Operation | undefined {
  return call.parent?.kind === 'operation' ? (call.parent as Operation) : undefined;
}

/** The channel of a consumer. */
export function channelOf(consumer: Element): Element | undefined {
  return consumer.parent?.kind === 'channel' ? consumer.parent : undefined;
}

/** The service an operation reference belongs to (`payments.charge` → payments), if it resolves. */
export function serviceOfRef(ix: Index, ref: string | undefined): string | undefined {
  if (ref === undefined) {
    return undefined;
  }
  const op = ix.operations.get(ref);
  return op?.service.name;
}

/**
 * Every requirement an element cites, resolved; undefined when one of them cannot be read
 * (an id that names nothing, DSN004, or a value DSN003 reports). Rules that need what
 * *all* (or *none*) of the cited requirements say stay silent then rather than guess.
 */
export function allCitedRequirements(ix: Index, el: Element): Element[] | undefined {
  const f = el.fields.get('requirements');
  if (!f) {
    return [];
  }
  if (!f.valid || !f.items) {
    return undefined;
  }
  const out: Element[] = [];
  for (const it of f.items) {
    const r = it.valid ? ix.requirements.get(String(it.value)) : undefined;
    if (!r) {
      return undefined;
    }
    if (!out.includes(r)) {
      out.push(r);
    }
  }
  return out;
}

/**
 * The element of `els` a finding is about, for its fix: by path and, where paths repeat
 * (two channels with one name, DSN005), the one whose text holds the finding.
 */
export function elementOf<T extends Element>(els: readonly T[], finding: { path: string; range: [number, number] }): T | undefined {
  const same = els.filter((e) => e.path === finding.path);
  if (same.length <= 1) {
    return same[0];
  }
  return same.find((e) => e.range[0] <= finding.range[0] && finding.range[1] <= e.range[1]);
}

/**
 * Whether another element reads the same `key: value` pair as `el`, through a `<<` merge:
 * a fix that rewrites that value would change the other element too, so it declines.
 */
export function pairShared(d: Design, el: Element, key: string): boolean {
  const pair = el.fields.get(key)?.pair;
  return pair !== undefined && d.all.some((o) => o !== el && o.kind === el.kind && o.fields.get(key)?.pair === pair);
}
