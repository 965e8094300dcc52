// What sits at an offset, and where names are defined and used: the pure half of hovers,
// go to definition, find references, rename and the outline. Plain data in, plain data out
// (offsets); the language server turns it into LSP types.
import type { Analysis } from './analyze';
import { Design, Element, Field, Item, Operation, str } from './model';
import { KeySpec, RefKind } from './schema';
import type { Range, TextEdit } from './types';
import { ignoreComments } from './waivers';
import { isMap, isPair, isScalar } from './yaml/parse';

// --- what is at an offset -------------------------------------------------------------

export type Located =
  | { type: 'key'; element: Element; key: string; range: Range; spec?: KeySpec; field: Field; unknown: boolean }
  | { type: 'value'; element: Element; field: Field; range: Range; item?: Item; value: unknown }
  | { type: 'checklist-area'; element: Element; field: Field; area: string; range: Range }
  | { type: 'checklist-state'; element: Element; field: Field; area: string; state: unknown; range: Range }
  | { type: 'comment-rule'; id: string; range: Range };

function within(r: Range, offset: number): boolean {
  return offset >= r[0] && offset <= r[1];
}

function len(r: Range): number {
  return r[1] - r[0];
}

/** Elements whose mapping contains the offset (with the root), cheapest first. */
function elementsAround(design: Design, offset: number): Element[] {
  return design.all.filter((e) => within(e.range, offset) || e.kind === 'design');
}

/**
 * The innermost key, scalar value, list item or `review-ignore` rule id at an offset.
 * Collections are never a hit themselves: their keys and scalars are.
 */
export function locate(a: Analysis, offset: number): Located | undefined {
  for (const c of ignoreComments(a.parsed)) {
    if (within(c.range, offset)) {
      const r = c.rules.find((x) => within(x.range, offset));
      return r ? { type: 'comment-rule', id: r.id, range: r.range } : undefined;
    }
  }
  let best: Located | undefined;
  const consider = (l: Located) => {
    if (!best || len(l.range) < len(best.range)) {
      best = l;
    }
  };
  for (const el of elementsAround(a.design, offset)) {
    for (const f of el.fields.values()) {
      if (within(f.keyRange, offset)) {
        consider({ type: 'key', element: el, key: f.key, range: f.keyRange, spec: f.spec, field: f, unknown: false });
      }
      if (!within(f.range, offset)) {
        continue;
      }
      if (f.spec?.type.t === 'checklist') {
        for (const hit of checklistEntries(f)) {
          if (within(hit.keyRange, offset)) {
            consider({ type: 'checklist-area', element: el, field: f, area: hit.area, range: hit.keyRange });
          }
          if (hit.valueRange && within(hit.valueRange, offset)) {
            consider({ type: 'checklist-state', element: el, field: f, area: hit.area, state: hit.state, range: hit.valueRange });
          }
        }
        continue;
      }
      if (f.items) {
        for (const it of f.items) {
          if (!it.element && within(it.range, offset)) {
            consider({ type: 'value', element: el, field: f, range: it.range, item: it, value: it.value });
          }
        }
        continue;
      }
      if (isScalar(f.node) || f.node === null || f.node === undefined) {
        consider({ type: 'value', element: el, field: f, range: f.range, value: f.value });
      }
    }
    for (const p of el.problems) {
      if (p.type === 'unknown-key' && p.field && !p.item && within(p.range, offset)) {
        consider({ type: 'key', element: el, key: p.field.key, range: p.range, field: p.field, unknown: true });
      }
    }
  }
  return best;
}

export interface ChecklistEntry {
  area: string;
  keyRange: Range;
  state: unknown;
  valueRange?: Range;
  /** The pair's YAML node, for edits. */
  pair: unknown;
}

/** The entries of `review.checklist`, read from its mapping node. */
export function checklistEntries(f: Field): ChecklistEntry[] {
  const out: ChecklistEntry[] = [];
  if (!isMap(f.node)) {
    return out;
  }
  for (const p of (f.node as { items: unknown[] }).items) {
    if (!isPair(p) || !isScalar(p.key)) {
      continue;
    }
    const kr = (p.key as { range?: [number, number, number] }).range;
    if (!kr) {
      continue;
    }
    const v = p.value as { range?: [number, number, number] } | null;
    out.push({
      area: String(p.key.value),
      keyRange: [kr[0], kr[1]],
      state: isScalar(p.value) ? p.value.value : undefined,
      valueRange: v?.range ? [v.range[0], v.range[1]] : undefined,
      pair: p,
    });
  }
  return out;
}

// --- names: definitions and references ------------------------------------------------

/** The kinds of names a design defines and refers to (rules are referred to, never defined). */
export type NameKind = RefKind;

export interface Occurrence {
  kind: NameKind;
  /** The name as the index knows it: `service.operation` for operations. */
  name: string;
  /** The text that spells the name (for an operation, only its own part of `service.operation`). */
  range: Range;
  role: 'definition' | 'reference';
  /** The element the occurrence belongs to. */
  element?: Element;
}

const DEFINED_BY: Partial<Record<Element['kind'], NameKind>> = {
  requirement: 'requirement',
  service: 'service',
  operation: 'operation',
  channel: 'channel',
  data: 'data',
  workflow: 'workflow',
};

/** The collection key of a waiver path segment, and the kind of name that follows it. */
const PATH_KINDS: Record<string, NameKind> = {
  services: 'service',
  operations: 'operation',
  channels: 'channel',
  data: 'data',
  requirements: 'requirement',
  workflows: 'workflow',
};

/**
 * Where the characters of a scalar's value start in the text, when the source spells the
 * value character for character (plain, or quoted without escapes); undefined otherwise.
 */
export function scalarTextStart(text: string, range: Range, value: string): number | undefined {
  const raw = text.slice(range[0], range[1]);
  if (raw === value) {
    return range[0];
  }
  if ((raw.startsWith('"') && raw.endsWith('"')) || (raw.startsWith("'") && raw.endsWith("'"))) {
    if (raw.length >= 2 && raw.slice(1, -1) === value) {
      return range[0] + 1;
    }
  }
  return undefined;
}

/** Every definition and reference of a name in the design, in text order. */
export function occurrences(a: Analysis): Occurrence[] {
  const out: Occurrence[] = [];
  const text = a.text;
  const scalarAt = (kind: NameKind, value: unknown, range: Range, role: Occurrence['role'], element: Element) => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      return;
    }
    const v = String(value);
    const start = scalarTextStart(text, range, v);
    if (start === undefined) {
      return;
    }
    if (kind === 'operation') {
      const dot = v.indexOf('.');
      if (dot > 0) {
        out.push({ kind: 'service', name: v.slice(0, dot), range: [start, start + dot], role: 'reference', element });
        out.push({ kind: 'operation', name: v, range: [start + dot + 1, start + v.length], role, element });
      }
      return;
    }
    out.push({ kind, name: v, range: [start, start + v.length], role, element });
  };
  for (const el of a.design.all) {
    const defines = DEFINED_BY[el.kind];
    if (defines) {
      const idKey = el.kind === 'requirement' ? 'id' : 'name';
      const f = el.fields.get(idKey);
      if (f && f.valid && (typeof f.value === 'string' || typeof f.value === 'number')) {
        const v = String(f.value);
        const start = scalarTextStart(text, f.range, v);
        if (start !== undefined) {
          const name = el.kind === 'operation' ? (el as Operation).qualifiedName : v;
          if (name !== undefined) {
            out.push({ kind: defines, name, range: [start, start + v.length], role: 'definition', element: el });
          }
        }
      }
    }
    for (const f of el.fields.values()) {
      if (!f.valid) {
        continue;
      }
      const t = f.spec?.type;
      if (t?.t === 'ref') {
        if (el.kind === 'call' && f.key === 'to' && el.fields.get('external')?.value === true) {
          continue;
        }
        scalarAt(t.ref, f.value, f.range, 'reference', el);
      } else if (t?.t === 'list' && t.of.t === 'ref' && f.items) {
        for (const it of f.items) {
          if (it.valid) {
            scalarAt(t.of.ref, it.value, it.range, 'reference', el);
          }
        }
      }
    }
    // Free names that name a service: a consumer's `service`, a data store's `owner`.
    if (el.kind === 'consumer' || el.kind === 'data') {
      const key = el.kind === 'consumer' ? 'service' : 'owner';
      const f = el.fields.get(key);
      if (f?.valid && typeof f.value === 'string' && a.index.services.has(f.value)) {
        scalarAt('service', f.value, f.range, 'reference', el);
      }
    }
    if (el.kind === 'waiver') {
      const f = el.fields.get('at');
      const at = str(el, 'at');
      if (f && at !== undefined) {
        const start = scalarTextStart(text, f.range, at);
        if (start !== undefined) {
          out.push(...pathOccurrences(at, start, el));
        }
      }
    }
  }
  for (const c of ignoreComments(a.parsed)) {
    for (const r of c.rules) {
      out.push({ kind: 'rule', name: r.id, range: r.range, role: 'reference' });
    }
  }
  // An aliased node is read once per place that aliases it, at one range: list it once.
  const seen = new Set<string>();
  return out
    .sort((x, y) => x.range[0] - y.range[0])
    .filter((o) => {
      const key = `${o.kind}\0${o.name}\0${o.role}\0${o.range[0]}:${o.range[1]}`;
      return !seen.has(key) && !!seen.add(key);
    });
}

/** Names inside a waiver's `at`: `services.payments.operations.charge.calls[0]` or `services[payments]…`. */
function pathOccurrences(at: string, start: number, el: Element): Occurrence[] {
  const out: Occurrence[] = [];
  const re = /(services|operations|channels|data|requirements|workflows)(?:\.([A-Za-z0-9_-]+)|\[([A-Za-z_][A-Za-z0-9_-]*)\])/g;
  let service: string | undefined;
  let m: RegExpExecArray | null;
  while ((m = re.exec(at))) {
    if (m.index > 0 && at[m.index - 1] !== '.') {
      continue;
    }
    const name = m[2] ?? m[3];
    if (/^\d+$/.test(name)) {
      continue;
    }
    const kind = PATH_KINDS[m[1]];
    const nameAt = start + m.index + m[1].length + 1;
    if (kind === 'service') {
      service = name;
    }
    if (kind === 'operation') {
      if (service === undefined) {
        continue;
      }
      out.push({ kind, name: `${service}.${name}`, range: [nameAt, nameAt + name.length], role: 'reference', element: el });
      continue;
    }
    out.push({ kind, name, range: [nameAt, nameAt + name.length], role: 'reference', element: el });
  }
  return out;
}

/** The name at an offset: a definition or a reference. */
export function occurrenceAt(a: Analysis, offset: number, all = occurrences(a)): Occurrence | undefined {
  return all.find((o) => offset >= o.range[0] && offset <= o.range[1]);
}

export function definitionsOf(a: Analysis, kind: NameKind, name: string, all = occurrences(a)): Occurrence[] {
  return all.filter((o) => o.role === 'definition' && o.kind === kind && o.name === name);
}

export function referencesOf(a: Analysis, kind: NameKind, name: string, includeDeclaration: boolean, all = occurrences(a)): Occurrence[] {
  return all.filter((o) => o.kind === kind && o.name === name && (includeDeclaration || o.role === 'reference'));
}

// --- rename -----------------------------------------------------------------------------

const RENAMABLE: ReadonlySet<NameKind> = new Set(['service', 'operation', 'channel', 'requirement', 'data', 'workflow']);
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export type RenameTarget = { kind: NameKind; name: string; range: Range; placeholder: string };

/** What a rename at this offset would rename, or why it cannot. */
export function prepareRename(a: Analysis, offset: number): RenameTarget | { error: string } {
  const all = occurrences(a);
  const o = occurrenceAt(a, offset, all);
  if (!o) {
    return { error: 'Only the name of a service, operation, channel, data store, workflow or requirement can be renamed.' };
  }
  if (!RENAMABLE.has(o.kind)) {
    return { error: 'A rule id cannot be renamed.' };
  }
  if (!definitionsOf(a, o.kind, o.name, all).length) {
    return { error: `\`${o.name}\` names no ${o.kind} of this design.` };
  }
  const placeholder = a.text.slice(o.range[0], o.range[1]);
  return { kind: o.kind, name: o.name, range: o.range, placeholder };
}

/** The edits that rename the name at an offset everywhere in the document. */
export function renameEdits(a: Analysis, offset: number, newName: string): TextEdit[] | { error: string } {
  const target = prepareRename(a, offset);
  if ('error' in target) {
    return target;
  }
  if (!NAME.test(newName)) {
    return { error: `\`${newName}\` is not a valid name: use letters, digits, \`-\` and \`_\` (kebab-case).` };
  }
  const all = occurrences(a);
  const qualified = target.kind === 'operation' ? target.name.slice(0, target.name.indexOf('.') + 1) + newName : newName;
  if (qualified !== target.name && definitionsOf(a, target.kind, qualified, all).length) {
    return { error: `A ${target.kind} \`${qualified}\` already exists.` };
  }
  // One edit per range: two occurrences at one range (an aliased node) would overlap.
  const ranges = new Set<string>();
  return referencesOf(a, target.kind, target.name, true, all)
    .filter((o) => !ranges.has(`${o.range[0]}:${o.range[1]}`) && !!ranges.add(`${o.range[0]}:${o.range[1]}`))
    .map((o) => ({ range: o.range, newText: newName }));
}

// --- outline ----------------------------------------------------------------------------

export type OutlineKind = 'requirement' | 'service' | 'operation' | 'channel' | 'consumer' | 'data' | 'workflow' | 'step';

export interface OutlineSymbol {
  name: string;
  detail?: string;
  kind: OutlineKind;
  range: Range;
  selectionRange: Range;
  children: OutlineSymbol[];
}

function facts(el: Element, keys: string[]): string | undefined {
  const parts = keys.map((k) => str(el, k)).filter((v): v is string => v !== undefined);
  return parts.length ? parts.join(' · ') : undefined;
}

function symbol(el: Element, kind: OutlineKind, detail: string | undefined, children: OutlineSymbol[] = []): OutlineSymbol {
  const selection: Range = within(el.range, el.anchor[0]) && within(el.range, el.anchor[1]) ? el.anchor : [el.range[0], el.range[0]];
  return { name: el.name ?? `(unnamed ${kind})`, detail, kind, range: el.range, selectionRange: selection, children };
}

/** The outline: requirements, services with their operations, channels with their consumers, data, workflows with their steps. */
export function outline(a: Analysis): OutlineSymbol[] {
  const d = a.design;
  const out: OutlineSymbol[] = [];
  for (const r of d.requirements) {
    out.push(symbol(r, 'requirement', str(r, 'text')));
  }
  for (const s of d.services) {
    const ops = d.operations.filter((o) => o.parent === s).map((o) => symbol(o, 'operation', facts(o, ['type', 'interaction', 'timeout'])));
    out.push(symbol(s, 'service', str(s, 'description'), ops));
  }
  for (const c of d.channels) {
    const consumers = d.consumers.filter((x) => x.parent === c).map((x) => symbol(x, 'consumer', str(x, 'handler')));
    out.push(symbol(c, 'channel', facts(c, ['kind', 'delivery', 'ordering']), consumers));
  }
  for (const x of d.data) {
    out.push(symbol(x, 'data', facts(x, ['category', 'consistency'])));
  }
  for (const w of d.workflows) {
    const steps = d.steps.filter((x) => x.parent === w).map((x) => symbol(x, 'step', str(x, 'compensation') ? `compensation: ${str(x, 'compensation')}` : undefined));
    out.push(symbol(w, 'workflow', facts(w, ['pattern', 'on_partial_failure']), steps));
  }
  return out.sort((x, y) => x.range[0] - y.range[0]);
}
