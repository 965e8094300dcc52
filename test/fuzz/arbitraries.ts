// Arbitraries for the property tests (fast-check): random designs built from the DSL's
// schema (valid, and almost valid), layouts to write them in, mutations of real files
// (the bundled examples and rule fixtures) the way editors and people break them, and
// sequences of edits for the incremental analysis.
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../server/src/engine/registry';
import { AREAS } from '../../server/src/engine/types';
import { ObjectKind, SCHEMA, ValueType } from '../../server/src/engine/schema';
import { Layout, mapsOf, render, Scalar, YNode, YPair } from './render';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

// Names shared by declarations and references, so that references often resolve.
const SERVICES = ['payments', 'orders', 'inventory'];
const OPERATIONS = ['charge', 'refund', 'reserve'];
const CHANNELS = ['order-events', 'payment-events'];
const DATA = ['ledger', 'balance', 'price-cache'];
const REQUIREMENTS = ['R1', 'R2', 'R3'];
const WORDS = ['a customer is never charged twice', 'stock is never oversold', 'look it up, then refund', 'payment taken, no shipment', 'x'];
const COMMENTS = [
  'note',
  'TODO: decide',
  'review-ignore RTY005: the SLA asks for six attempts',
  'review-ignore TMO001',
  'review-ignore DLV001: accepted',
  '# twice',
  'ünïcødé ✓ 🙂',
  'key: value - [x] {y}',
  '',
  "'quoted' \"and\" \\ backslash",
];

export type Mode = 'valid' | 'nearly';

const sc = (v: Scalar, style?: 'plain' | 'single' | 'double'): YNode => ({ t: 'scalar', v, ...(style ? { style } : {}) });

const styleArb = fc.constantFrom<'plain' | 'single' | 'double'>('plain', 'plain', 'plain', 'single', 'double');

function styled(v: fc.Arbitrary<Scalar>): fc.Arbitrary<YNode> {
  return fc.tuple(v, styleArb).map(([x, s]) => sc(x, typeof x === 'string' ? s : 'plain'));
}

const operationRef = fc.tuple(fc.constantFrom(...SERVICES, 'fraud', 'stripe'), fc.constantFrom(...OPERATIONS, 'score')).map(([s, o]) => `${s}.${o}`);

function refValues(ref: string): fc.Arbitrary<string> {
  switch (ref) {
    case 'operation':
      return fc.oneof({ weight: 9, arbitrary: operationRef }, { weight: 1, arbitrary: fc.constantFrom('stripe', 'payments', 'x.y.z') });
    case 'channel':
      return fc.constantFrom(...CHANNELS, 'audit-log');
    case 'data':
      return fc.constantFrom(...DATA, 'nowhere');
    case 'requirement':
      return fc.constantFrom(...REQUIREMENTS, 'R9');
    case 'rule':
      return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...RULES.map((r) => r.id)) }, { weight: 1, arbitrary: fc.constantFrom('XYZ999', 'rty005') });
    default:
      return fc.constantFrom(...SERVICES);
  }
}

/** A free string, sometimes with unicode, quotes, colons or a `#`. */
const freeText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('a: b', 'x # not a comment', '- item', "it's", 'say "hi"', 'tab\there', 'naïve café') },
);

function stringFor(key: string, kind: ObjectKind): fc.Arbitrary<string> {
  if (key === 'name') {
    const pool: Record<string, string[]> = { service: SERVICES, operation: OPERATIONS, channel: CHANNELS, data: DATA, workflow: ['checkout', 'refund-flow'] };
    return fc.constantFrom(...(pool[kind] ?? ['x']));
  }
  if (key === 'id') {
    return fc.constantFrom(...REQUIREMENTS);
  }
  if (key === 'design') {
    return fc.constantFrom('checkout', 'shop', 'x');
  }
  if (key === 'service' || key === 'owner') {
    return fc.constantFrom(...SERVICES, 'billing');
  }
  if (key === 'key') {
    return fc.constantFrom('header:Idempotency-Key', 'event_id', 'order_id');
  }
  if (key === 'partition_key' || key === 'ordering_key') {
    return fc.constantFrom('order_id', 'customer_id');
  }
  if (key === 'at') {
    return fc.constantFrom(
      'services.payments.operations.charge.calls[0].retry',
      'services.payments.operations.charge',
      'channels.order-events',
      'data.ledger',
      'services[orders]',
      'nowhere.at.all',
    );
  }
  return freeText;
}

const durationArb = fc.constantFrom('50ms', '100ms', '800ms', '2s', '5s', '30s', '5m', '1h', '24h', '7d');
const badDuration = fc.constantFrom('2 seconds', '5', 'fast', '1.5s', '-1s', '');

/** A value of the right type for a key, as a tree. */
function validValue(type: ValueType, key: string, kind: ObjectKind, mode: Mode, depth: number): fc.Arbitrary<YNode> {
  switch (type.t) {
    case 'string':
      return styled(stringFor(key, kind));
    case 'int':
      return fc.constant(sc(1));
    case 'bool':
      return fc.boolean().map((b) => sc(b));
    case 'duration':
      return styled(durationArb);
    case 'percent':
      return styled(fc.constantFrom('5%', '10%', '50%', '100%'));
    case 'enum':
      return styled(fc.constantFrom(...type.values.map((v) => v.value)));
    case 'ref':
      return styled(refValues(type.ref));
    case 'attempts':
      return fc.oneof(fc.integer({ min: 1, max: 9 }).map((n) => sc(n)), fc.constant(sc('unlimited')));
    case 'retryCode':
      return fc.constantFrom<Scalar>(503, 502, 504, 429, 400, 404, 408, 'timeout', 'network', 'rate-limited', 'client-error', 'validation', 'card-declined').map((v) => sc(v));
    case 'code':
      return fc.constantFrom<Scalar>(402, 409, 'card-declined', 'insufficient-funds').map((v) => sc(v));
    case 'checklist':
      return fc
        .uniqueArray(fc.tuple(fc.constantFrom(...AREAS), fc.constantFrom('open', 'done', 'accepted-risk')), { maxLength: 4, selector: (x) => x[0] })
        .map((entries) => ({ t: 'map', pairs: entries.map(([a, s]) => ({ key: a, value: sc(s) })) }) as YNode);
    case 'list':
      return fc
        .tuple(fc.array(valueOf(type.of, key, kind, mode, depth), { maxLength: type.of.t === 'object' ? 3 : 4 }), fc.boolean(), fc.integer({ min: 0, max: 9 }))
        .map(([items, flowish, r]) => ({ t: 'seq', items, flow: type.of.t !== 'object' ? flowish : r === 0 }) as YNode);
    case 'object':
      return objectArb(type.kind, mode, depth + 1);
  }
}

/** A value of the wrong type, or an almost-right one (a typo of an enum value, a duration without unit). */
function wrongValue(type: ValueType): fc.Arbitrary<YNode> {
  const generic = fc.constantFrom<YNode>(
    sc(null),
    sc(42),
    sc(true),
    sc('[not a list]', 'double'),
    { t: 'seq', items: [sc(1), sc('two')], flow: true },
    { t: 'map', pairs: [{ key: 'a', value: sc(1) }], flow: true },
    { t: 'seq', items: [], flow: true },
    { t: 'map', pairs: [], flow: true },
  );
  switch (type.t) {
    case 'enum':
      return fc.oneof(
        fc.constantFrom(...type.values.map((v) => v.value)).map((v) => sc(v.slice(0, -1) || 'x')),
        fc.constantFrom(...type.values.map((v) => v.value)).map((v) => sc(v.toUpperCase())),
        generic,
      );
    case 'duration':
      return fc.oneof(badDuration.map((v) => sc(v)), fc.constant(sc(30)), generic);
    case 'bool':
      return fc.oneof(fc.constantFrom('yes', 'no', 'True', 'on').map((v) => sc(v)), generic);
    case 'int':
    case 'attempts':
      return fc.oneof(fc.constantFrom<Scalar>(0, -1, 2.5, '3', 'many', 'unlimted').map((v) => sc(v)), generic);
    default:
      return generic;
  }
}

function valueOf(type: ValueType, key: string, kind: ObjectKind, mode: Mode, depth: number): fc.Arbitrary<YNode> {
  const good = validValue(type, key, kind, mode, depth);
  if (mode === 'valid') {
    return good;
  }
  return fc.oneof({ weight: 24, arbitrary: good }, { weight: 1, arbitrary: wrongValue(type) });
}

/** A typo of a key: what DSN002 catches. */
function typo(key: string, n: number): string {
  switch (n % 4) {
    case 0:
      return key.slice(0, -1);
    case 1:
      return key + 's';
    case 2:
      return key.length > 2 ? key[0] + key[2] + key[1] + key.slice(3) : key + key;
    default:
      return key.replace(/_/g, '-') === key ? key.toUpperCase() : key.replace(/_/g, '-');
  }
}

// Most pairs have no comment; waivers among them are rarer still, so that findings stay to fix.
const commentArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom(...COMMENTS.filter((c) => !c.includes('review-ignore'))) },
  { weight: 1, arbitrary: fc.constantFrom(...COMMENTS) },
);

/** A mapping of one element kind: a random subset of its keys, values of the right type (mostly). */
export function objectArb(kind: ObjectKind, mode: Mode, depth = 0): fc.Arbitrary<YNode> {
  const spec = SCHEMA[kind];
  const entries = spec.keys.map((ks) => {
    // Keep the trees small: nested lists of elements are rarer the deeper they stand
    // (percent of omission).
    const omit = ks.required ? (mode === 'valid' ? 0 : 3) : ks.type.t === 'list' && ks.type.of.t === 'object' ? Math.min(30 + depth * 10, 70) : 50;
    const value = valueOf(ks.type, ks.key, kind, mode, depth);
    const arb: fc.Arbitrary<YNode | undefined> = omit === 0 ? value : fc.oneof({ weight: omit, arbitrary: fc.constant(undefined) }, { weight: 100 - omit, arbitrary: value });
    return fc.tuple(fc.constant(ks.key), arb, commentArb, commentArb, mode === 'nearly' ? fc.integer({ min: 0, max: 40 }) : fc.constant(99));
  });
  return fc
    .tuple(fc.tuple(...entries), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 11 }))
    .map(([list, order, flowPick]) => {
      const pairs: YPair[] = [];
      for (const [key, value, before, after, t] of list) {
        if (value === undefined) {
          continue;
        }
        // A trailing comment goes after a value on the key's line: a scalar, an alias or a flow collection.
        const oneLine = value.t === 'scalar' || value.t === 'alias' || !!value.flow || (value.t === 'map' ? !value.pairs.length : !value.items.length);
        pairs.push({
          key: t < 4 ? typo(key, t) : key,
          value,
          ...(before !== undefined ? { before } : {}),
          ...(after !== undefined && oneLine ? { after } : {}),
        });
      }
      if (order === 1) {
        pairs.reverse();
      } else if (order === 2 && pairs.length > 2) {
        pairs.push(pairs.shift()!);
      }
      const flow = depth >= 2 && flowPick === 0 && pairs.every((p) => p.value.t === 'scalar' || ('flow' in p.value && p.value.flow));
      return { t: 'map', pairs: flow ? pairs.map(({ key, value }) => ({ key, value })) : pairs, kind, ...(flow ? { flow } : {}) } as YNode;
    });
}

export const layoutArb: fc.Arbitrary<Layout> = fc.record({
  indent: fc.constantFrom(2, 2, 2, 3, 4),
  flushLists: fc.boolean(),
  eol: fc.constantFrom<'\n' | '\r\n'>('\n', '\n', '\n', '\r\n'),
  bom: fc.constant(false),
  finalNewline: fc.constantFrom(true, true, true, false),
  docStart: fc.constantFrom(false, false, false, true),
  header: fc.array(fc.constantFrom(...COMMENTS), { maxLength: 2 }),
});

/**
 * Shares a mapping between two places of a design, as authors do with anchors: the first
 * gets `&name`, the second becomes `*name`, or `<<: *name` plus keys of its own.
 */
function share(root: YNode, pick: number, how: number): void {
  const maps = mapsOf(root).filter((m) => m.node.kind && m.node.kind === mapsOf(root)[pick % Math.max(1, mapsOf(root).length)]?.node.kind);
  if (maps.length < 2) {
    return;
  }
  const [a, b] = [maps[0], maps[1 + (pick % (maps.length - 1))]];
  const name = `shared${pick % 7}`;
  a.node.anchor = name;
  if (how % 2 === 0) {
    b.replace({ t: 'alias', name });
  } else {
    const own = b.node.pairs.slice(0, 1);
    b.replace({ t: 'map', kind: b.node.kind, pairs: [{ key: '<<', value: { t: 'alias', name } }, ...own.filter((p) => p.key !== '<<')] });
  }
}

export interface GeneratedDesign {
  text: string;
  tree: YNode;
  layout: Layout;
}

/** A whole design written out in a random layout. */
export function designArb(mode: Mode): fc.Arbitrary<GeneratedDesign> {
  return fc
    .tuple(objectArb('design', mode), layoutArb, fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 9 }), fc.boolean())
    .map(([tree, layout, pick, how, bom]) => {
      const t = structuredClone(tree);
      if (how < 3) {
        share(t, pick, how);
      }
      const L = { ...layout, bom: bom && pick % 5 === 0 };
      return { text: render(t as Extract<YNode, { t: 'map' }>, L), tree: t, layout: L };
    });
}

// --- real files and their mutations --------------------------------------------------

/** The bundled examples and every rule fixture: real designs to break. */
export function seedFiles(): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  const ex = path.join(REPO_ROOT, 'examples');
  for (const f of fs.readdirSync(ex).sort()) {
    if (/\.design\.ya?ml$/.test(f)) {
      out.push({ name: `examples/${f}`, text: fs.readFileSync(path.join(ex, f), 'utf8') });
    }
  }
  const rules = path.join(REPO_ROOT, 'test', 'rules');
  for (const d of fs.readdirSync(rules).sort()) {
    const dir = path.join(rules, d);
    if (!fs.statSync(dir).isDirectory()) {
      continue;
    }
    for (const f of fs.readdirSync(dir).sort()) {
      if (f.endsWith('.yaml')) {
        out.push({ name: `test/rules/${d}/${f}`, text: fs.readFileSync(path.join(dir, f), 'utf8') });
      }
    }
  }
  return out;
}

/** Snippets of text that break YAML, or the DSL, in the ways real files do. */
export const NASTY = [
  '\t',
  '\t\t- x',
  '\r',
  '\r\n',
  '\uFEFF',
  '#',
  ' # c',
  ':',
  ': ',
  '- ',
  '-',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '&a ',
  '*a',
  '*nowhere',
  '<<: *a',
  '<<: [*a, *b]',
  '!!str ',
  '!!binary ',
  '!custom ',
  '!<tag:yaml.org,2002:str> ',
  '? ',
  '|',
  '>-',
  '---',
  '\n---\n',
  '...',
  '\n...\n',
  '%YAML 1.2\n',
  '%TAG ! tag:x,2000:\n',
  '@',
  '`',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u2028',
  '\u0085',
  '\ud800',
  '\udc00',
  '🙂',
  'é',
  '\u200b',
  'ｄｅｓｉｇｎ',
  '~',
  'null',
  '1e999',
  '0x1F',
  '.nan',
  'design: again\n',
  '\nservices:\n',
  ' review-ignore RTY005: reason',
  '# review-ignore ALL',
  '# review-ignore RTY005',
  '\n  - &a {name: x}\n',
  '{a: [b, {c: d}]}',
  '[[[[[[[[[[',
  ']]]]]]]]]]',
  '"\\u',
  '"\\x',
  '\\',
];

export type Mutation =
  | { op: 'deleteLine'; at: number }
  | { op: 'duplicateLine'; at: number }
  | { op: 'swapLines'; at: number; with: number }
  | { op: 'reindent'; at: number; delta: number }
  | { op: 'tabify'; at: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'deleteRange'; at: number; length: number }
  | { op: 'wrongType'; at: number; value: string }
  | { op: 'lineEnds'; style: 'crlf' | 'cr' | 'mixed' }
  | { op: 'bom' }
  | { op: 'longLine'; at: number; length: number }
  | { op: 'deepNesting'; at: number; depth: number; flow: boolean }
  | { op: 'anchorAlias'; at: number; to: number; merge: boolean }
  | { op: 'multiDoc'; at: number }
  | { op: 'tag'; at: number; tag: string };

/** Fractions of the text's length or line count, so that one mutation fits any text. */
const frac = fc.integer({ min: 0, max: 10_000 });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: frac.map((at) => ({ op: 'deleteLine' as const, at })) },
  { weight: 2, arbitrary: frac.map((at) => ({ op: 'duplicateLine' as const, at })) },
  { weight: 1, arbitrary: fc.tuple(frac, frac).map(([at, w]) => ({ op: 'swapLines' as const, at, with: w })) },
  { weight: 3, arbitrary: fc.tuple(frac, fc.integer({ min: -4, max: 4 })).map(([at, delta]) => ({ op: 'reindent' as const, at, delta })) },
  { weight: 1, arbitrary: frac.map((at) => ({ op: 'tabify' as const, at })) },
  { weight: 2, arbitrary: frac.map((at) => ({ op: 'truncate' as const, at })) },
  {
    weight: 6,
    arbitrary: fc.tuple(frac, fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...NASTY) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) })).map(([at, text]) => ({ op: 'insert' as const, at, text })),
  },
  { weight: 2, arbitrary: fc.tuple(frac, fc.integer({ min: 1, max: 40 })).map(([at, length]) => ({ op: 'deleteRange' as const, at, length })) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(frac, fc.constantFrom('[1, 2]', '{a: 1}', '42', 'true', '~', '""', "''", '[]', '{}', '-1', '2.5', 'yes', '"\\t"', '&x [*x]', '*undefined', '|\n  block\n  text'))
      .map(([at, value]) => ({ op: 'wrongType' as const, at, value })),
  },
  { weight: 1, arbitrary: fc.constantFrom<'crlf' | 'cr' | 'mixed'>('crlf', 'cr', 'mixed').map((style) => ({ op: 'lineEnds' as const, style })) },
  { weight: 1, arbitrary: fc.constant({ op: 'bom' as const }) },
  { weight: 1, arbitrary: fc.tuple(frac, fc.integer({ min: 1_000, max: 40_000 })).map(([at, length]) => ({ op: 'longLine' as const, at, length })) },
  { weight: 1, arbitrary: fc.tuple(frac, fc.integer({ min: 5, max: 400 }), fc.boolean()).map(([at, depth, flow]) => ({ op: 'deepNesting' as const, at, depth, flow })) },
  { weight: 2, arbitrary: fc.tuple(frac, frac, fc.boolean()).map(([at, to, merge]) => ({ op: 'anchorAlias' as const, at, to, merge })) },
  { weight: 1, arbitrary: frac.map((at) => ({ op: 'multiDoc' as const, at })) },
  { weight: 1, arbitrary: fc.tuple(frac, fc.constantFrom('!!str', '!!int', '!!map', '!!seq', '!!null', '!!bool', '!!float', '!!timestamp', '!!set', '!!omap', '!local', '!!binary')).map(([at, tag]) => ({ op: 'tag' as const, at, tag })) },
);

function lines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

function pickIndex(n: number, f: number): number {
  return n <= 0 ? 0 : Math.min(n - 1, Math.floor((f / 10_001) * n));
}

/** The offset just after `key:` on the line picked, if the line has one. */
function valueSpot(text: string, f: number): { start: number; end: number } | undefined {
  const ls = lines(text);
  for (let k = 0; k < ls.length; k++) {
    const i = (pickIndex(ls.length, f) + k) % ls.length;
    const m = /^([ \t]*(?:- )?[A-Za-z_<][\w-]*:)([ \t]+)([^#\r\n]*?)[ \t]*(?:#.*)?(\r?\n)?$/.exec(ls[i]);
    if (m && m[3] !== '') {
      const lineStart = ls.slice(0, i).join('').length;
      const start = lineStart + m[1].length + m[2].length;
      return { start, end: start + m[3].length };
    }
  }
  return undefined;
}

export function mutate(text: string, m: Mutation): string {
  const ls = lines(text);
  switch (m.op) {
    case 'deleteLine': {
      ls.splice(pickIndex(ls.length, m.at), 1);
      return ls.join('');
    }
    case 'duplicateLine': {
      const i = pickIndex(ls.length, m.at);
      ls.splice(i, 0, ls[i] ?? '');
      return ls.join('');
    }
    case 'swapLines': {
      const i = pickIndex(ls.length, m.at);
      const j = pickIndex(ls.length, m.with);
      [ls[i], ls[j]] = [ls[j], ls[i]];
      return ls.join('');
    }
    case 'reindent': {
      const i = pickIndex(ls.length, m.at);
      const l = ls[i] ?? '';
      ls[i] = m.delta >= 0 ? ' '.repeat(m.delta) + l : l.replace(new RegExp(`^ {0,${-m.delta}}`), '');
      return ls.join('');
    }
    case 'tabify': {
      const i = pickIndex(ls.length, m.at);
      ls[i] = (ls[i] ?? '').replace(/^( {2})+/, (s) => '\t'.repeat(s.length / 2));
      return ls.join('');
    }
    case 'truncate':
      return text.slice(0, pickIndex(text.length + 1, m.at));
    case 'insert': {
      const at = pickIndex(text.length + 1, m.at);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'deleteRange': {
      const at = pickIndex(text.length + 1, m.at);
      return text.slice(0, at) + text.slice(at + m.length);
    }
    case 'wrongType': {
      const s = valueSpot(text, m.at);
      return s ? text.slice(0, s.start) + m.value + text.slice(s.end) : text;
    }
    case 'lineEnds':
      if (m.style === 'crlf') {
        return text.replace(/\r?\n/g, '\r\n');
      }
      if (m.style === 'cr') {
        return text.replace(/\r?\n/g, '\r');
      }
      return text.replace(/\r?\n/g, (_, i: number) => (i % 3 === 0 ? '\r\n' : '\n'));
    case 'bom':
      return text.startsWith('\uFEFF') ? text.slice(1) : '\uFEFF' + text;
    case 'longLine': {
      const s = valueSpot(text, m.at);
      const long = 'x'.repeat(m.length);
      return s ? text.slice(0, s.start) + long + text.slice(s.end) : text + `description: ${long}\n`;
    }
    case 'deepNesting': {
      const s = valueSpot(text, m.at);
      const deep = m.flow ? '['.repeat(m.depth) + '1' + ']'.repeat(m.depth) : '{a: '.repeat(m.depth) + '1' + '}'.repeat(m.depth);
      return s ? text.slice(0, s.start) + deep + text.slice(s.end) : text + `description: ${deep}\n`;
    }
    case 'anchorAlias': {
      const a = valueSpot(text, m.at);
      if (!a) {
        return text;
      }
      let out = text.slice(0, a.start) + '&fz ' + text.slice(a.start);
      const b = valueSpot(out, m.to);
      if (!b || b.start <= a.start) {
        return out;
      }
      if (m.merge) {
        // A merge key in the mapping of the second spot's line, right below it.
        const lineStart = out.lastIndexOf('\n', b.start - 1) + 1;
        const indent = /^[ \t]*(?:- )?/.exec(out.slice(lineStart))![0].replace('- ', '  ');
        const nl = out.indexOf('\n', b.start);
        const at = nl < 0 ? out.length : nl + 1;
        return out.slice(0, at) + (nl < 0 ? '\n' : '') + indent + '<<: *fz\n' + out.slice(at);
      }
      return out.slice(0, b.start) + '*fz' + out.slice(b.end);
    }
    case 'multiDoc': {
      const i = pickIndex(ls.length, m.at);
      return ls.slice(0, i).join('') + '---\n' + ls.slice(i).join('');
    }
    case 'tag': {
      const s = valueSpot(text, m.at);
      return s ? text.slice(0, s.start) + m.tag + ' ' + text.slice(s.start) : text;
    }
  }
}

const SEEDS = seedFiles();

/** A real file (example or fixture) with one to four mutations. */
export const mutatedFileArb: fc.Arbitrary<{ name: string; mutations: Mutation[]; text: string }> = fc
  .tuple(fc.integer({ min: 0, max: SEEDS.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
  .map(([i, mutations]) => ({ name: SEEDS[i].name, mutations, text: mutations.reduce(mutate, SEEDS[i].text) }));

/** A generated design (valid or nearly) with zero to three mutations. */
export const mutatedDesignArb: fc.Arbitrary<{ text: string; mutations: Mutation[] }> = fc
  .tuple(designArb('nearly'), fc.array(mutationArb, { maxLength: 3 }))
  .map(([d, mutations]) => ({ text: mutations.reduce(mutate, d.text), mutations }));

/** Any text a user could hand the engine. */
export const anyTextArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: designArb('valid').map((d) => d.text) },
  { weight: 3, arbitrary: designArb('nearly').map((d) => d.text) },
  { weight: 4, arbitrary: mutatedFileArb.map((m) => m.text) },
  { weight: 3, arbitrary: mutatedDesignArb.map((m) => m.text) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...NASTY, 'a', 'b: c', '\n', '  ', '- x'), { maxLength: 60 }).map((xs) => xs.join('')) },
);

// --- large inputs: a fragment repeated, to find work that grows faster than the text ---

/** Fragments that, repeated, make the large inputs that once took quadratic time. */
export const FRAGMENTS: Array<{ name: string; head: string; unit: (i: number) => string; tail?: (n: number) => string }> = [
  { name: 'unknown keys', head: 'design: x\ndsl: 1\n', unit: (i) => `k${i}: v\n` },
  { name: 'duplicate keys', head: 'design: x\ndsl: 1\n', unit: () => 'description: v\n' },
  { name: 'anchors and aliases', head: 'design: x\ndsl: 1\nservices:\n', unit: (i) => `  - &s${i} {name: s${i}}\n`, tail: (n) => `channels: [${Array.from({ length: Math.min(n, 3000) }, (_, i) => `*s${i}`).join(', ')}]\n` },
  { name: 'services', head: 'design: x\ndsl: 1\nservices:\n', unit: (i) => `  - name: s${i}\n    operations:\n      - name: op\n        type: command\n        calls:\n          - to: s${i + 1}.op\n            retry: {max_attempts: 9}\n` },
  { name: 'syntax errors', head: 'design: x\ndsl: 1\nservices:\n', unit: (i) => `  - name: s${i}\n    description: a: b\n` },
  { name: 'comments', head: 'design: x\ndsl: 1\n', unit: (i) => `# review-ignore RTY00${i % 10}: reason ${i}\n` },
  { name: 'waivers', head: 'design: x\ndsl: 1\nreview:\n  waivers:\n', unit: (i) => `    - rule: DLV001\n      at: channels.c${i}\n      reason: r\n` },
  { name: 'channels', head: 'design: x\ndsl: 1\nchannels:\n', unit: (i) => `  - name: c${i}\n    consumers: [{service: s}]\n` },
  { name: 'documents', head: 'design: x\ndsl: 1\n', unit: (i) => `---\nk${i}: 1\n` },
  { name: 'flow list', head: 'design: x\ndsl: 1\nowners: [', unit: (i) => `o${i}, `, tail: () => ']\n' },
  { name: 'requirements cited', head: 'design: x\ndsl: 1\nrequirements:\n  - {id: R1, text: t}\ndata:\n', unit: (i) => `  - {name: d${i}, consistency: eventual, requirements: [R1, R2]}\n` },
  { name: 'unclosed flow', head: 'design: x\ndsl: 1\n', unit: (i) => `k${i}: [a, b\n` },
];

export const scaledArb = fc.tuple(fc.integer({ min: 0, max: FRAGMENTS.length - 1 }), fc.integer({ min: 1000, max: 1500 }));

export function scaledText(fragment: number, n: number): string {
  const f = FRAGMENTS[fragment];
  let s = f.head;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(f.unit(i));
  }
  return s + parts.join('') + (f.tail ? f.tail(n) : '');
}

// --- edits for the incremental analysis --------------------------------------------

export interface Edit {
  /** Fraction of the text's length. */
  at: number;
  remove: number;
  insert: string;
}

const typing = fc.constantFrom('a', 'x', ' ', '\n', '  - ', ':', '-', '#', '\n  - name: z\n', '\n    timeout: 2s', 'services:\n', '\t', '&a', '*a', '"', '[', '}', '\r\n');

export const editArb: fc.Arbitrary<Edit> = fc.record({
  at: frac,
  remove: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 4, max: 80 }) }),
  insert: fc.oneof({ weight: 4, arbitrary: typing }, { weight: 1, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(...NASTY) }),
});

export function applyEdit(text: string, e: Edit): string {
  const at = pickIndex(text.length + 1, e.at);
  return text.slice(0, at) + e.insert + text.slice(at + e.remove);
}

/** A starting text and the edits typed into it. */
export const editSessionArb = fc.tuple(
  fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: 0, max: SEEDS.length - 1 }).map((i) => SEEDS[i].text) },
    { weight: 2, arbitrary: designArb('valid').map((d) => d.text) },
    { weight: 1, arbitrary: designArb('nearly').map((d) => d.text) },
  ),
  fc.array(fc.oneof({ weight: 5, arbitrary: editArb.map((e) => ({ kind: 'edit' as const, e })) }, { weight: 1, arbitrary: mutationArb.map((m) => ({ kind: 'mutation' as const, m })) }), { minLength: 1, maxLength: 8 }),
);
