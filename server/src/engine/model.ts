// The typed view of a design: elements (requirement, service, operation, call, channel,
// consumer, data, workflow, step, failure scenario, waiver), each with its path, its
// ranges and its fields, validated against the schema. Rules read this, never YAML.
import {
  Alias,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Node,
  ParsedYaml,
  resolveAlias,
  YAMLMap,
} from './yaml/parse';
import { AREAS, Range } from './types';
import { CHECKLIST_STATES, checklistStatesText, describeType, KeySpec, ObjectKind, parseDuration, parsePercent, SCHEMA, ValueType } from './schema';
import { closest } from './text';

export interface Item {
  value: unknown;
  range: Range;
  valid: boolean;
  /** The list item's element, for lists of mappings. */
  element?: Element;
}

export interface Field {
  key: string;
  keyRange: Range;
  /** The value's range; for an empty value, the end of the key. */
  range: Range;
  /** The whole pair: key start to value end. */
  pairRange: Range;
  /** Scalar value (string, number, boolean, null); undefined for collections. */
  value: unknown;
  /** False when DSN003 reports the value: rules that compare it skip it. */
  valid: boolean;
  spec?: KeySpec;
  /** Items of a list value. */
  items?: Item[];
  /** The element of a mapping value. */
  element?: Element;
  /** Opaque handle of the YAML node, for fixes. */
  node: unknown;
  /** Opaque handle of the YAML pair, for fixes. */
  pair: unknown;
  /** The mapping holding the pair. */
  owner: Element;
}

export interface StructureProblem {
  type: 'unknown-key' | 'invalid-value' | 'missing-required';
  range: Range;
  message: string;
  element: Element;
  field?: Field;
  item?: Item;
  key?: string;
  suggestion?: string;
}

export interface Element {
  kind: ObjectKind;
  /** `services[payments].operations[charge].calls[0]` */
  path: string;
  /** `services.payments.operations.charge.calls[0]`, the form waivers use. */
  waiverPath: string;
  /** The mapping's range. */
  range: Range;
  /** Where findings about the element as a whole land: its identifying value, else its first key. */
  anchor: Range;
  /** The value of the identifying key, when it is a valid string. */
  name?: string;
  fields: Map<string, Field>;
  parent?: Element;
  /** The field of the parent that holds this element (or the list field). */
  parentField?: Field;
  /** Index in its list, when a list item. */
  index?: number;
  node: unknown;
  problems: StructureProblem[];
  /** Text hash of the element's source, for incremental reuse. */
  hash?: string;
}

export interface Operation extends Element {
  service: Element;
  /** `service.operation` */
  qualifiedName?: string;
  calls: Element[];
}

export interface Design {
  parsed: ParsedYaml;
  root?: Element;
  requirements: Element[];
  services: Element[];
  operations: Operation[];
  calls: Element[];
  channels: Element[];
  consumers: Element[];
  data: Element[];
  workflows: Element[];
  steps: Element[];
  scenarios: Element[];
  waivers: Element[];
  review?: Element;
  all: Element[];
  /** Structure problems that concern no element (the root is not a mapping). */
  rootProblems: StructureProblem[];
}

type MapNode = YAMLMap<unknown, unknown>;

/** Each object kind's keys by name (the schema lists them in the order hovers and completion show). */
const KEYS_BY_NAME = new Map<ObjectKind, Map<string, KeySpec>>();
function keySpec(kind: ObjectKind, key: string): KeySpec | undefined {
  let m = KEYS_BY_NAME.get(kind);
  if (!m) {
    m = new Map(SCHEMA[kind].keys.map((k) => [k.key, k]));
    KEYS_BY_NAME.set(kind, m);
  }
  return m.get(key);
}

/** How a message names a value: the field, or an item of it. */
function subject(field: Field, item: Item | undefined): string {
  return item ? `an item of \`${field.key}\`` : `\`${field.key}\``;
}

function nodeRange(n: unknown, fallback: Range): Range {
  const r = (n as { range?: [number, number, number] } | null)?.range;
  return r ? [r[0], r[1]] : fallback;
}

/**
 * The elements built for each item of a top-level list, kept between analyses of one
 * document: with the incremental parser (yaml/chunks.ts) an unchanged item is the very
 * same YAML node, so its elements are reused, shifted to where the item now stands.
 * Reuse mutates them: an analysis built with a cache invalidates the one before it.
 */
export class ModelCache {
  // Maps, not WeakMaps: each build replaces them and keeps only the current nodes, and a
  // WeakMap of every item filled on each keystroke was garbage collection's work (ephemerons).
  private items = new Map<object, CachedItem>();
  private next = new Map<object, CachedItem>();
  reused = 0;
  built = 0;

  /** @internal */
  get(node: object): CachedItem | undefined {
    return this.items.get(node);
  }
  /** @internal */
  keep(node: object, item: CachedItem): void {
    this.next.set(node, item);
  }
  /** @internal Starts a build: what the last build kept becomes what this one may reuse. */
  begin(): void {
    this.items = this.next;
    this.next = new Map();
    this.reused = 0;
    this.built = 0;
  }
  clear(): void {
    this.items = new Map();
    this.next = new Map();
  }
}

interface CachedItem {
  root: Element;
  /** The subtree's elements in registration order (root first). */
  elements: Element[];
  /** The node's start offset when the elements' ranges were last set. */
  start: number;
  /** Its range arrays, once it has moved (rangesOf). */
  ranges?: Range[];
}

/**
 * Every range array of a subtree of elements, each once (elements share some: an anchor is
 * its name's value range). Listed on the subtree's first move and kept: a keystroke moves
 * every item after it, and a walk with a set per item was a fifth of a keystroke at 50k lines.
 */
function rangesOf(elements: Element[]): Range[] {
  const seen = new Set<Range>();
  const out: Range[] = [];
  const add = (r: Range | undefined) => {
    if (r && !seen.has(r)) {
      seen.add(r);
      out.push(r);
    }
  };
  const addField = (f: Field) => {
    add(f.keyRange);
    add(f.range);
    add(f.pairRange);
    if (f.items) {
      for (const it of f.items) {
        add(it.range);
      }
    }
  };
  for (const el of elements) {
    add(el.range);
    add(el.anchor);
    for (const f of el.fields.values()) {
      addField(f);
    }
    for (const p of el.problems) {
      add(p.range);
      if (p.field) {
        addField(p.field);
      }
      if (p.item) {
        add(p.item.range);
      }
    }
  }
  return out;
}

/** Moves every range of a cached subtree by `delta`. */
function shiftElements(hit: CachedItem, delta: number): void {
  hit.ranges ??= rangesOf(hit.elements);
  for (const r of hit.ranges) {
    r[0] += delta;
    r[1] += delta;
  }
}

/** A design with no element: the start of every build, and what a document too broken to read yields. */
export function emptyDesign(parsed: ParsedYaml): Design {
  return {
    parsed,
    requirements: [],
    services: [],
    operations: [],
    calls: [],
    channels: [],
    consumers: [],
    data: [],
    workflows: [],
    steps: [],
    scenarios: [],
    waivers: [],
    all: [],
    rootProblems: [],
  };
}

export function buildDesign(parsed: ParsedYaml, cache?: ModelCache): Design {
  const d = emptyDesign(parsed);
  const doc = parsed.doc;
  const contents = doc.contents as unknown;
  cache?.begin();
  const builder = new Builder(parsed, d, cache);
  if (contents === null || contents === undefined || (isScalar(contents) && contents.value === null)) {
    // Empty file, or only comments: DSN006 reports `design` and `dsl` at line 1.
    const root = builder.emptyRoot();
    d.root = root;
    return d;
  }
  const resolved = builder.deref(contents);
  if (!isMap(resolved)) {
    const r0 = nodeRange(contents, [0, 0])[0];
    const eol = parsed.text.slice(r0).search(/\r?\n/);
    const r: Range = [r0, eol < 0 ? parsed.text.length : r0 + eol];
    d.rootProblems.push({
      type: 'invalid-value',
      range: r,
      message: `a design must be a mapping of keys (design, dsl, services, ...), not ${isSeq(resolved) ? 'a list' : 'a scalar'}`,
      element: (d.root = builder.emptyRoot(false)),
    });
    return d;
  }
  d.root = builder.element('design', resolved as MapNode, '', '', undefined, undefined, undefined);
  // Names are known only once every element is read (a service's `name` may follow its operations).
  for (const op of d.operations) {
    if (op.name !== undefined && op.service?.name !== undefined) {
      op.qualifiedName = `${op.service.name}.${op.name}`;
    }
  }
  return d;
}

class Builder {
  private aliasBudget = 100_000;
  constructor(
    private readonly parsed: ParsedYaml,
    private readonly d: Design,
    private readonly cache?: ModelCache,
  ) {}

  emptyRoot(withMissing = true): Element {
    const el: Element = {
      kind: 'design',
      path: '',
      waiverPath: '',
      range: [0, this.parsed.text.length],
      anchor: [0, 0],
      fields: new Map(),
      node: null,
      problems: [],
    };
    el.problems.push(
      ...SCHEMA.design.keys
        .filter((k) => k.required && withMissing)
        .map((k) => ({ type: 'missing-required' as const, range: [0, 0] as Range, message: `the design needs \`${k.key}\``, element: el, key: k.key })),
    );
    this.d.all.push(el);
    return el;
  }

  deref(n: unknown): unknown {
    let cur = n;
    for (let i = 0; i < 32 && isAlias(cur); i++) {
      if (--this.aliasBudget < 0) {
        return null;
      }
      cur = resolveAlias(this.parsed.doc, cur as Alias);
    }
    return isAlias(cur) ? null : cur;
  }

  element(
    kind: ObjectKind,
    map: MapNode,
    path: string,
    waiverPath: string,
    parent: Element | undefined,
    parentField: Field | undefined,
    index: number | undefined,
  ): Element {
    const spec = SCHEMA[kind];
    const range = nodeRange(map, [0, 0]);
    const el: Element = {
      kind,
      path,
      waiverPath,
      range,
      anchor: [range[0], range[0]],
      fields: new Map(),
      parent,
      parentField,
      index,
      node: map,
      problems: [],
    };
    if (kind === 'operation') {
      const op = el as Operation;
      op.service = parent as Element;
      op.calls = [];
    }
    this.register(el);
    const pairs = this.pairsOf(map);
    let firstKey: Range | undefined;
    for (const pair of pairs) {
      const keyNode = pair.key;
      const keyRange = nodeRange(keyNode, range);
      firstKey ??= keyRange;
      const keyValue = isScalar(keyNode) ? keyNode.value : undefined;
      if (typeof keyValue !== 'string' && typeof keyValue !== 'number') {
        el.problems.push({ type: 'invalid-value', range: keyRange, message: 'a key must be a plain name', element: el });
        continue;
      }
      const key = String(keyValue);
      const valueNode = this.deref(pair.value);
      const vr = pair.value ? nodeRange(pair.value, [keyRange[1], keyRange[1]]) : ([keyRange[1], keyRange[1]] as Range);
      const field: Field = {
        key,
        keyRange,
        range: vr,
        pairRange: [keyRange[0], Math.max(vr[1], keyRange[1])],
        value: isScalar(valueNode) ? valueNode.value : undefined,
        valid: true,
        node: valueNode,
        pair,
        owner: el,
      };
      if (kind === 'review' && key === 'checklist') {
        // handled below with its spec
      }
      const ks = keySpec(kind, key);
      if (!ks) {
        const suggestion = closest(key, spec.keys.map((k) => k.key));
        el.problems.push({
          type: 'unknown-key',
          range: keyRange,
          message: `unknown key \`${key}\` in ${articled(spec.title)}` + (suggestion ? `; did you mean \`${suggestion}\`?` : ''),
          element: el,
          field,
          key,
          suggestion,
        });
        continue;
      }
      field.spec = ks;
      el.fields.set(key, field);
      this.readValue(el, field, ks.type, valueNode);
    }
    // Identifying value and anchor.
    if (spec.idKey) {
      const idf = el.fields.get(spec.idKey);
      if (idf && idf.valid && (typeof idf.value === 'string' || typeof idf.value === 'number')) {
        el.name = String(idf.value);
        el.anchor = idf.range;
      } else if (idf) {
        el.anchor = idf.range;
      } else if (firstKey) {
        el.anchor = firstKey;
      }
    } else if (parentField) {
      // A nested mapping (retry:, idempotency:): findings about it land on its key.
      el.anchor = parentField.keyRange;
    } else if (firstKey) {
      el.anchor = firstKey;
    }
    for (const k of spec.keys) {
      if (k.required && !el.fields.has(k.key)) {
        el.problems.push({
          type: 'missing-required',
          range: kind === 'design' ? (firstKey ?? [0, 0]) : el.anchor,
          message: `${kind === 'design' ? 'the design' : articled(spec.title, true)} needs \`${k.key}\``,
          element: el,
          key: k.key,
        });
      }
    }
    return el;
  }

  /** Registers a cached subtree again, moved and renamed to where its item now stands. */
  private reuse(hit: CachedItem, n: MapNode, parent: Element, field: Field, index: number, path: string, waiverPath: string): Element {
    const start = nodeRange(n, [0, 0])[0];
    if (start !== hit.start) {
      shiftElements(hit, start - hit.start);
      hit.start = start;
    }
    const root = hit.root;
    root.parent = parent;
    root.parentField = field;
    root.index = index;
    if (root.path !== path || root.waiverPath !== waiverPath) {
      const oldPath = root.path;
      const oldWaiver = root.waiverPath;
      for (const e of hit.elements) {
        e.path = path + e.path.slice(oldPath.length);
        e.waiverPath = waiverPath + e.waiverPath.slice(oldWaiver.length);
      }
    }
    for (const e of hit.elements) {
      if (e.kind === 'operation') {
        // Its calls register again right after it.
        (e as Operation).calls = [];
      }
      this.register(e);
    }
    return root;
  }

  private register(el: Element): void {
    const d = this.d;
    d.all.push(el);
    switch (el.kind) {
      case 'requirement':
        d.requirements.push(el);
        break;
      case 'service':
        d.services.push(el);
        break;
      case 'operation':
        d.operations.push(el as Operation);
        break;
      case 'call':
        d.calls.push(el);
        if (el.parent?.kind === 'operation') {
          (el.parent as Operation).calls.push(el);
        }
        break;
      case 'channel':
        d.channels.push(el);
        break;
      case 'consumer':
        d.consumers.push(el);
        break;
      case 'data':
        d.data.push(el);
        break;
      case 'workflow':
        d.workflows.push(el);
        break;
      case 'step':
        d.steps.push(el);
        break;
      case 'failureScenario':
        d.scenarios.push(el);
        break;
      case 'waiver':
        d.waivers.push(el);
        break;
      case 'review':
        d.review = el;
        break;
    }
  }

  /** The pairs of a mapping, with `<<` merge keys expanded (explicit keys win). */
  private pairsOf(map: MapNode): Array<{ key: unknown; value: unknown }> {
    // Nearly always: pairs only, and no merge key. Then the items themselves, uncopied.
    let plain = true;
    for (const p of map.items) {
      if (!isPair(p) || (isScalar(p.key) && p.key.value === '<<')) {
        plain = false;
        break;
      }
    }
    if (plain) {
      return map.items as Array<{ key: unknown; value: unknown }>;
    }
    const own: Array<{ key: unknown; value: unknown }> = [];
    const merged: Array<{ key: unknown; value: unknown }> = [];
    for (const p of map.items) {
      if (!isPair(p)) {
        continue;
      }
      if (isScalar(p.key) && p.key.value === '<<') {
        const v = this.deref(p.value);
        const sources = isSeq(v) ? v.items.map((i) => this.deref(i)) : [v];
        for (const s of sources) {
          if (isMap(s)) {
            for (const q of (s as MapNode).items) {
              if (isPair(q)) {
                merged.push(q as { key: unknown; value: unknown });
              }
            }
          }
        }
        continue;
      }
      own.push(p as { key: unknown; value: unknown });
    }
    if (!merged.length) {
      return own;
    }
    const ownKeys = new Set(own.map((p) => (isScalar(p.key) ? String(p.key.value) : '')));
    const seen = new Set<string>();
    const extra = merged.filter((p) => {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      if (ownKeys.has(k) || seen.has(k)) {
        return false;
      }
      seen.add(k);
      return true;
    });
    return [...own, ...extra];
  }

  private invalid(el: Element, field: Field, message: string, item?: Item, suggestion?: string): void {
    if (item) {
      item.valid = false;
    } else {
      field.valid = false;
    }
    el.problems.push({
      type: 'invalid-value',
      range: item ? item.range : field.range,
      message,
      element: el,
      field,
      item,
      suggestion,
    });
  }

  private readValue(el: Element, field: Field, type: ValueType, node: unknown): void {
    const key = field.key;
    if (type.t === 'object') {
      if (node === null || (isScalar(node) && node.value === null)) {
        // `retry:` with nothing under it: an empty policy, whose missing keys rules report.
        field.element = this.emptyElement(type.kind, el, field);
        return;
      }
      if (!isMap(node)) {
        this.invalid(el, field, `\`${key}\` must be ${describeType(type)}, not ${kindOf(node)}`);
        return;
      }
      field.element = this.element(type.kind, node as MapNode, `${el.path ? el.path + '.' : ''}${key}`, `${el.waiverPath ? el.waiverPath + '.' : ''}${key}`, el, field, undefined);
      return;
    }
    if (type.t === 'checklist') {
      if (node === null || (isScalar(node) && node.value === null)) {
        field.items = [];
        return;
      }
      if (!isMap(node)) {
        this.invalid(el, field, `\`${key}\` must be ${describeType(type)}`);
        return;
      }
      field.items = [];
      for (const p of (node as MapNode).items) {
        if (!isPair(p) || !isScalar(p.key)) {
          continue;
        }
        const area = String(p.key.value);
        const kr = nodeRange(p.key, field.range);
        const vnode = this.deref(p.value);
        const item: Item = { value: { area, state: isScalar(vnode) ? vnode.value : undefined }, range: kr, valid: true };
        field.items.push(item);
        if (!(AREAS as readonly string[]).includes(area)) {
          const suggestion = closest(area, [...AREAS]);
          el.problems.push({
            type: 'unknown-key',
            range: kr,
            message: `unknown concern area \`${area}\` in the checklist` + (suggestion ? `; did you mean \`${suggestion}\`?` : ''),
            element: el,
            field,
            item,
            key: area,
            suggestion,
          });
          item.valid = false;
          continue;
        }
        const state = isScalar(vnode) ? vnode.value : undefined;
        if (!(CHECKLIST_STATES as readonly unknown[]).includes(state)) {
          const vr = nodeRange(p.value, kr);
          const suggestion = closest(String(state ?? ''), CHECKLIST_STATES);
          const vitem: Item = { value: state, range: vr, valid: false };
          el.problems.push({
            type: 'invalid-value',
            range: vr,
            message: `the state of \`${area}\` must be ${checklistStatesText()}` + (suggestion ? `; did you mean \`${suggestion}\`?` : ''),
            element: el,
            field,
            item: vitem,
            suggestion,
          });
          item.valid = false;
        }
      }
      return;
    }
    if (type.t === 'list') {
      if (node === null || (isScalar(node) && node.value === null)) {
        field.items = [];
        return;
      }
      if (!isSeq(node)) {
        this.invalid(el, field, `\`${key}\` must be ${describeType(type)}, not ${kindOf(node)}`);
        return;
      }
      field.items = [];
      const seq = node as { items: unknown[] };
      seq.items.forEach((raw, i) => {
        const n = this.deref(raw);
        const r = nodeRange(raw, field.range);
        const item: Item = { value: isScalar(n) ? n.value : undefined, range: r, valid: true };
        field.items!.push(item);
        if (type.of.t === 'object') {
          if (!isMap(n)) {
            this.invalid(el, field, `each item of \`${key}\` must be a mapping (${SCHEMA[type.of.kind].title}), not ${kindOf(n)}`, item);
            return;
          }
          const kind = type.of.kind;
          const cache = el.kind === 'design' ? this.cache : undefined;
          const hit = cache?.get(n as object);
          // The same item text under another list (an edit removed the key above it) reads as another kind.
          if (hit && cache && hit.root.kind === kind) {
            // Its paths are made of the list's key, its place and its text's name: the
            // same key and place keep the paths it has.
            const [path, waiverPath] = hit.root.index === i && hit.root.parentField?.key === key ? [hit.root.path, hit.root.waiverPath] : this.itemPaths(el, key, kind, n as MapNode, i);
            item.element = this.reuse(hit, n as MapNode, el, field, i, path, waiverPath);
            cache.keep(n as object, hit);
            cache.reused++;
            return;
          }
          const before = this.d.all.length;
          const [path, waiverPath] = this.itemPaths(el, key, kind, n as MapNode, i);
          item.element = this.element(kind, n as MapNode, path, waiverPath, el, field, i);
          if (cache) {
            cache.keep(n as object, { root: item.element, elements: this.d.all.slice(before), start: nodeRange(n, [0, 0])[0] });
            cache.built++;
          }
          return;
        }
        this.checkScalar(el, field, type.of, n, item);
      });
      return;
    }
    this.checkScalar(el, field, type, node, undefined);
  }

  /** The path and waiver path of item `i` of list `key` of `el`: by its name where it has one. */
  private itemPaths(el: Element, key: string, kind: ObjectKind, n: MapNode, i: number): [string, string] {
    const idKey = SCHEMA[kind].idKey;
    const idNode = idKey ? n.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === idKey) : undefined;
    const idVal = idNode && isPair(idNode) ? this.deref(idNode.value) : undefined;
    const idStr = isScalar(idVal) && (typeof idVal.value === 'string' || typeof idVal.value === 'number') ? String(idVal.value) : undefined;
    const seg = idStr !== undefined && kind !== 'call' && kind !== 'consumer' && kind !== 'step' && kind !== 'failureScenario' && kind !== 'waiver' ? idStr : undefined;
    const base = el.path ? el.path + '.' : '';
    const wbase = el.waiverPath ? el.waiverPath + '.' : '';
    return [`${base}${key}[${seg ?? i}]`, seg !== undefined ? `${wbase}${key}.${seg}` : `${wbase}${key}[${i}]`];
  }

  private emptyElement(kind: ObjectKind, parent: Element, field: Field): Element {
    const el: Element = {
      kind,
      path: `${parent.path ? parent.path + '.' : ''}${field.key}`,
      waiverPath: `${parent.waiverPath ? parent.waiverPath + '.' : ''}${field.key}`,
      range: field.pairRange,
      anchor: field.keyRange,
      fields: new Map(),
      parent,
      parentField: field,
      node: null,
      problems: [],
    };
    this.register(el);
    return el;
  }

  private checkScalar(el: Element, field: Field, type: ValueType, node: unknown, item: Item | undefined): void {
    if (!isScalar(node)) {
      this.invalid(el, field, `${subject(field, item)} must be ${describeType(type)}, not ${kindOf(node)}`, item);
      return;
    }
    const v = node.value;
    if (v === null) {
      this.invalid(el, field, `${subject(field, item)} has no value; it must be ${describeType(type)}`, item);
      return;
    }
    const bad = (extra = '', suggestion?: string) =>
      this.invalid(el, field, `${subject(field, item)} must be ${describeType(type)}, not \`${String(v)}\`${extra}`, item, suggestion);
    switch (type.t) {
      case 'string':
      case 'ref':
        if (typeof v !== 'string' && typeof v !== 'number') {
          bad();
        }
        return;
      case 'int':
        if (typeof v !== 'number' || !Number.isInteger(v) || (type.min !== undefined && v < type.min) || (type.max !== undefined && v > type.max)) {
          bad();
        }
        return;
      case 'bool':
        if (typeof v !== 'boolean') {
          const s = String(v).toLowerCase();
          bad('', ['yes', 'on', 'y', 'true'].includes(s) ? 'true' : ['no', 'off', 'n', 'false'].includes(s) ? 'false' : undefined);
        }
        return;
      case 'duration':
        if (parseDuration(v) === undefined) {
          const n = typeof v === 'number' ? v : undefined;
          bad(n !== undefined ? ' (a duration needs a unit)' : '', n !== undefined ? (n >= 100 ? `${n}ms` : `${n}s`) : fixDuration(String(v)));
        }
        return;
      case 'percent':
        if (parsePercent(v) === undefined) {
          bad('', typeof v === 'number' && v <= 100 ? `${v}%` : undefined);
        }
        return;
      case 'enum': {
        const values = type.values.map((x) => x.value);
        if (typeof v !== 'string' || !values.includes(v)) {
          const suggestion = closest(String(v), values);
          this.invalid(
            el,
            field,
            `${subject(field, item)} must be ${describeType(type)}, not \`${String(v)}\`` + (suggestion ? `; did you mean \`${suggestion}\`?` : ''),
            item,
            suggestion,
          );
        }
        return;
      }
      case 'attempts':
        if (!(v === 'unlimited' || (typeof v === 'number' && Number.isInteger(v) && v >= 1))) {
          bad('', typeof v === 'string' ? closest(v, ['unlimited']) : undefined);
        }
        return;
      case 'retryCode':
        if (typeof v === 'number') {
          if (!Number.isInteger(v) || v < 100 || v > 599) {
            bad();
          }
        } else if (typeof v !== 'string') {
          bad();
        }
        // Symbols are checked against the target's own codes by DSN003, which sees the index.
        return;
      case 'code':
        if (typeof v !== 'string' && typeof v !== 'number') {
          bad();
        }
        return;
      default:
        return;
    }
  }
}

function fixDuration(s: string): string | undefined {
  const m = /^\s*(\d+)\s*(ms|msec|millis|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\s*$/i.exec(s);
  if (!m) {
    return undefined;
  }
  const u = m[2].toLowerCase();
  const unit = u.startsWith('ms') || u.startsWith('mil') ? 'ms' : u[0] === 's' ? 's' : u[0] === 'm' ? 'm' : u[0] === 'h' ? 'h' : 'd';
  return `${m[1]}${unit}`;
}

function kindOf(node: unknown): string {
  if (isMap(node)) {
    return 'a mapping';
  }
  if (isSeq(node)) {
    return 'a list';
  }
  if (isScalar(node)) {
    const v = node.value;
    return v === null ? 'empty' : `\`${String(v)}\``;
  }
  return 'empty';
}

function articled(title: string, capital = false): string {
  const a = /^[aeiou]/.test(title) ? 'an' : 'a';
  return (capital ? a.charAt(0).toUpperCase() + a.slice(1) : a) + ' ' + title;
}

/** Accessors rules use: each returns undefined for a missing or invalid value. */
export function field(el: Element | undefined, key: string): Field | undefined {
  const f = el?.fields.get(key);
  return f;
}

export function str(el: Element | undefined, key: string): string | undefined {
  const f = el?.fields.get(key);
  return f && f.valid && (typeof f.value === 'string' || typeof f.value === 'number') ? String(f.value) : undefined;
}

export function bool(el: Element | undefined, key: string): boolean | undefined {
  const f = el?.fields.get(key);
  return f && f.valid && typeof f.value === 'boolean' ? f.value : undefined;
}

export function num(el: Element | undefined, key: string): number | undefined {
  const f = el?.fields.get(key);
  return f && f.valid && typeof f.value === 'number' ? f.value : undefined;
}

export function durationMs(el: Element | undefined, key: string): number | undefined {
  const f = el?.fields.get(key);
  return f && f.valid ? parseDuration(f.value) : undefined;
}

export function percent(el: Element | undefined, key: string): number | undefined {
  const f = el?.fields.get(key);
  return f && f.valid ? parsePercent(f.value) : undefined;
}

export function child(el: Element | undefined, key: string): Element | undefined {
  const f = el?.fields.get(key);
  return f?.valid ? f.element : undefined;
}

export function has(el: Element | undefined, key: string): boolean {
  return !!el?.fields.has(key);
}

/** Valid items of a list field. */
export function items(el: Element | undefined, key: string): Item[] {
  const f = el?.fields.get(key);
  return f?.valid && f.items ? f.items.filter((i) => i.valid) : [];
}

export function childElements(el: Element | undefined, key: string): Element[] {
  return items(el, key)
    .map((i) => i.element)
    .filter((e): e is Element => !!e);
}

export type { Node };
