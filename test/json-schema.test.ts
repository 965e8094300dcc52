// The JSON Schema of the DSL (schemas/design.schema.json, `ddr schema`): every example is
// valid, a wrong enum value is not, and on every rule fixture and corpus file the schema
// (validated with ajv, as yaml-language-server and JetBrains validate it) and the engine's
// DSN002/DSN003/DSN006 say the same: valid or not, and the same places (JSON pointers).
// What a schema cannot say is listed in EXCEPTIONS, each with its reason and a case.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { Document, isAlias, isMap, isPair, isScalar, isSeq, parse as parseYaml } from 'yaml';
import { analyze, Analysis } from '../server/src/engine/analyze';
import { RULES } from '../server/src/engine/registry';
import { defaultSettings, Settings } from '../server/src/engine/rule';
import type { Finding } from '../server/src/engine/types';
import { designSchema, designSchemaText, SCHEMA_PATH } from '../server/src/cli/jsonSchema';
import { CHECKLIST_STATE_VALUES, ObjectKind, SCHEMA } from '../server/src/engine/schema';
import { tempDir } from './support/tempDir';

const ROOT = path.join(__dirname, '..', '..');
const DDR = path.join(ROOT, 'bin', 'ddr.js');
const STRUCTURE = new Set(['DSN002', 'DSN003', 'DSN006']);
/** Only the structure rules run (DSN001 says whether the engine read the file): four times faster. */
const ONLY_STRUCTURE = Object.fromEntries(RULES.filter((r) => !r.id.startsWith('DSN')).map((r) => [r.id, 'off' as const]));

/**
 * The engine's settings for a file: its corpus header's limits (`# settings: {...}`, say a
 * nesting cap of 400), and no finding summarised away: every one is compared.
 */
function settingsOf(text: string): Partial<Settings> {
  const header = /^# settings: (.*?)\r?$/m.exec(text);
  const limits = header ? (JSON.parse(header[1]) as Partial<Settings>).limits : undefined;
  return { limits: { ...defaultSettings.limits, ...limits, maxFindings: 1_000_000 }, severity: ONLY_STRUCTURE };
}

function validator(): ValidateFunction {
  // Strict, as a schema author would want it, knowing the editor-only keywords VS Code's
  // JSON language service and yaml-language-server read.
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addVocabulary(['markdownDescription', 'enumDescriptions', 'markdownEnumDescriptions']);
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, SCHEMA_PATH), 'utf8')));
}
const validate = validator();

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** A YAML file as JSON, as a YAML tool gives it to a JSON Schema validator (merge keys on). */
function toJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: parseYaml(text, { merge: true }) };
  } catch (e) {
    return { ok: false, error: (e as Error).message.split('\n')[0] };
  }
}

/** ajv's errors as `RULE /pointer`: what each would be as an engine finding. */
function schemaSays(value: unknown): string[] {
  if (validate(value)) {
    return [];
  }
  const out = new Set<string>();
  for (const e of validate.errors as ErrorObject[]) {
    if (e.keyword === 'additionalProperties') {
      out.add(`DSN002 ${e.instancePath}/${esc(String(e.params.additionalProperty))}`);
    } else if (e.keyword === 'required') {
      out.add(`DSN006 ${e.instancePath}/${esc(String(e.params.missingProperty))}`);
    } else {
      out.add(`DSN003 ${e.instancePath}`);
    }
  }
  return [...out].sort();
}

/**
 * The JSON pointers of the engine's parsed document: of each key's range, each value's
 * range and each mapping node. Aliases and `<<` merges put one node at several pointers,
 * as they put one value at several places of the JSON.
 */
class Pointers {
  readonly keys = new Map<string, Set<string>>();
  readonly values = new Map<string, Set<string>>();
  readonly nodes = new Map<unknown, Set<string>>();
  constructor(private readonly doc: Document) {
    this.visit(doc.contents, '', 0);
  }
  private add<K>(m: Map<K, Set<string>>, k: K, p: string): void {
    let s = m.get(k);
    if (!s) {
      m.set(k, (s = new Set()));
    }
    s.add(p);
  }
  private deref(n: unknown): unknown {
    for (let i = 0; i < 32 && isAlias(n); i++) {
      n = n.resolve(this.doc);
    }
    return n;
  }
  private visit(raw: unknown, ptr: string, depth: number): void {
    if (depth > 1000) {
      return;
    }
    const r = (raw as { range?: number[] } | null)?.range;
    if (r) {
      this.add(this.values, `${r[0]}:${r[1]}`, ptr);
    }
    const n = this.deref(raw);
    this.add(this.nodes, n, ptr);
    if (isSeq(n)) {
      n.items.forEach((item, i) => this.visit(item, `${ptr}/${i}`, depth + 1));
    } else if (isMap(n)) {
      for (const [key, pair] of this.pairs(n)) {
        const kr = (pair.key as { range?: number[] }).range;
        if (kr) {
          this.add(this.keys, `${kr[0]}:${kr[1]}`, `${ptr}/${esc(key)}`);
        }
        this.visit(pair.value, `${ptr}/${esc(key)}`, depth + 1);
      }
    }
  }
  /** The pairs the JSON has: own keys, then `<<` sources' keys not already there (first wins). */
  private pairs(map: { items: unknown[] }): Map<string, { key: unknown; value: unknown }> {
    const out = new Map<string, { key: unknown; value: unknown }>();
    const merged: Array<{ key: unknown; value: unknown }> = [];
    for (const p of map.items) {
      if (!isPair(p) || !isScalar(p.key)) {
        continue;
      }
      if (p.key.value === '<<') {
        const v = this.deref(p.value);
        for (const s of isSeq(v) ? v.items.map((i) => this.deref(i)) : [v]) {
          if (isMap(s)) {
            merged.push(...(s.items.filter((q) => isPair(q) && isScalar(q.key)) as Array<{ key: unknown; value: unknown }>));
          }
        }
      } else {
        out.set(String(p.key.value), p);
      }
    }
    for (const p of merged) {
      const k = String((p.key as { value: unknown }).value);
      if (!out.has(k)) {
        out.set(k, p);
      }
    }
    return out;
  }
}

/** The engine's DSN002/DSN003/DSN006 findings (waived ones too) as `RULE /pointer`. */
function engineSays(a: Analysis): { says: string[]; unplaced: Finding[] } {
  const ptrs = new Pointers(a.parsed.doc as Document);
  const out = new Set<string>();
  const unplaced: Finding[] = [];
  for (const f of [...a.findings, ...a.waived]) {
    if (!STRUCTURE.has(f.ruleId)) {
      continue;
    }
    const at = `${f.range[0]}:${f.range[1]}`;
    let where: string[] = [];
    if (f.ruleId === 'DSN002') {
      where = [...(ptrs.keys.get(at) ?? [])];
    } else if (f.ruleId === 'DSN003') {
      where = f.path === '' && /^a design must be a mapping/.test(f.message) ? [''] : [...(ptrs.values.get(at) ?? [])];
    } else {
      const el = a.design.all.find((e) => e.path === f.path && e.problems.some((p) => p.type === 'missing-required' && p.range[0] === f.range[0] && p.range[1] === f.range[1]));
      const keys = (f.data?.keys as string[] | undefined) ?? [f.data?.key as string];
      const base = el?.node === null ? [''] : [...(ptrs.nodes.get(el?.node) ?? [])];
      where = base.flatMap((b) => keys.map((k) => `${b}/${esc(k)}`));
    }
    if (!where.length) {
      unplaced.push(f);
    }
    for (const w of where) {
      out.add(`${f.ruleId} ${w}`);
    }
  }
  return { says: [...out].sort(), unplaced };
}

/**
 * What the engine checks and a JSON Schema cannot say: each difference between the two is
 * allowed only when one of these explains it, and each is shown by a case below.
 */
interface Difference {
  /** `RULE /pointer`, or `DSN001` when only the engine cannot read the file. */
  entry: string;
  only: 'engine' | 'schema';
}

interface Exception {
  name: string;
  reason: string;
  /** Explains a difference, given the engine's analysis and the JSON a YAML tool validates. */
  explains(d: Difference, a: Analysis, json: unknown): boolean;
  /** A design that shows it. */
  example: string;
}

const EXCEPTIONS: Exception[] = [
  {
    name: 'retry_on codes of the target',
    reason:
      "A `retry_on` word must be one of dsl.md's symbols or a code the call's target lists in `errors.non_retryable`: the target is another element, found through `to`. The schema offers the symbols for completion and accepts any word.",
    explains: (d, a) =>
      d.only === 'engine' &&
      /^DSN003 .*\/retry_on\/\d+$/.test(d.entry) &&
      a.findings.concat(a.waived).some((f) => f.ruleId === 'DSN003' && /is not a `retry_on` value/.test(f.message)),
    example: 'design: x\ndsl: 1\nservices:\n  - name: a\n    operations:\n      - name: b\n        calls:\n          - to: a.b\n            retry: {retry_on: [timeout, sometimes]}\n',
  },
  {
    name: "the engine's limits",
    reason:
      'Past its limits (limits.maxNestingDepth, maxAliasExpansion, maxFileSize) the engine does not analyse a design and one DSN001 says so, to stay fast on any input; a schema has no limits.',
    explains: (d, a) => d.only === 'engine' && d.entry === 'DSN001' && a.findings.some((f) => f.ruleId === 'DSN001' && /not analysed/.test(f.message)),
    example: `design: x\ndsl: 1\ndescription: ${'['.repeat(201)}${']'.repeat(201)}\n`,
  },
  {
    name: 'infinite numbers',
    reason:
      "YAML's `.inf` and `.nan` are numbers JSON has no value for: JSON Schema validators (ajv, as yaml-language-server's) reject them where a number is allowed, the engine reads them as names (a number is a name).",
    explains: (d, _a, json) => {
      const m = /^DSN003 (.*)$/.exec(d.entry);
      const v = m ? at(json, m[1]) : undefined;
      return d.only === 'schema' && typeof v === 'number' && !Number.isFinite(v);
    },
    example: 'design: .inf\ndsl: 1\n',
  },
];

/** The value at a JSON pointer. */
function at(json: unknown, pointer: string): unknown {
  let v = json;
  for (const seg of pointer.split('/').slice(1)) {
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return v;
}

/** Compares the two on one file; returns the differences no exception explains. */
function compare(text: string): { parsed: boolean; engine: string[]; schema: string[]; unexplained: string[]; used: Set<string> } {
  const a = analyze(text, settingsOf(text));
  const yamlError = a.findings.some((f) => f.ruleId === 'DSN001');
  const json = toJson(text);
  const parsed = !yamlError && json.ok;
  let engine: string[] = [];
  let schema: string[] = [];
  let unplaced: Finding[] = [];
  const diffs: Difference[] = [];
  if (parsed) {
    ({ says: engine, unplaced } = engineSays(a));
    schema = schemaSays(json.value);
    diffs.push(...engine.filter((e) => !schema.includes(e)).map((entry) => ({ entry, only: 'engine' as const })));
    diffs.push(...schema.filter((e) => !engine.includes(e)).map((entry) => ({ entry, only: 'schema' as const })));
  } else if (yamlError === json.ok) {
    // Only one of them reads the file.
    diffs.push(yamlError ? { entry: 'DSN001', only: 'engine' } : { entry: `yaml.parse: ${(json as { error: string }).error}`, only: 'schema' });
  }
  const used = new Set<string>();
  const unexplained = unplaced.map((f) => `engine ${f.ruleId} at ${f.range} not placed: ${f.message}`);
  for (const d of diffs) {
    const ex = EXCEPTIONS.find((x) => x.explains(d, a, json.ok ? json.value : undefined));
    if (ex) {
      used.add(ex.name);
    } else {
      unexplained.push(`only the ${d.only} says ${d.entry}`);
    }
  }
  return { parsed, engine, schema, unexplained, used };
}

/** Values of every kind, as YAML flow text: each key of the DSL is given each of them. */
const PROBES = [
  'x', 'p', '0', '1', '2', '3', '12', '-1', '1.5', '100', '599', '600', 'true', 'false', 'yes', '', '"2"', '[]', '{}', '[a, 1]', '{a: 1}',
  '2s', '150ms', '5m', '1h', '7d', '2 s', '2S', '1.5s', '-2s', '10%', '12.5%', '100%', '100.0%', '100.5%', '101%', '007%', '0%', '10 %',
  'unlimited', 'unlimitd', 'timeout', 'sometimes', 'client-error', '404', '404.5', '99', 'exactly-twice', '~', '.inf',
];

/** The keys from the design down to a mapping of `kind`, with what each required key needs. */
function pathTo(kind: ObjectKind): Array<{ key: string; list: boolean; kind: ObjectKind }> {
  const seen = new Set<ObjectKind>(['design']);
  const queue: Array<{ kind: ObjectKind; path: Array<{ key: string; list: boolean; kind: ObjectKind }> }> = [{ kind: 'design', path: [] }];
  for (let q = queue.shift(); q; q = queue.shift()) {
    if (q.kind === kind) {
      return q.path;
    }
    for (const k of SCHEMA[q.kind].keys) {
      const t = k.type.t === 'list' ? k.type.of : k.type;
      if (t.t === 'object' && !seen.has(t.kind)) {
        seen.add(t.kind);
        queue.push({ kind: t.kind, path: [...q.path, { key: k.key, list: k.type.t === 'list', kind: t.kind }] });
      }
    }
  }
  throw new Error(`no path to ${kind}`);
}

/** A design with one `kind` mapping holding `pairs` (flow text), its required keys filled in. */
function designWith(kind: ObjectKind, pairs: string[], omit?: string): string {
  const required = (k: ObjectKind) => SCHEMA[k].keys.filter((s) => s.required && s.key !== omit).map((s) => `${s.key}: ${s.key === 'dsl' ? 1 : 'p'}`);
  if (kind === 'design') {
    return [...required('design'), ...pairs].join('\n') + '\n';
  }
  const steps = pathTo(kind);
  let inner = `{${[...required(kind), ...pairs].join(', ')}}`;
  for (let i = steps.length - 1; i >= 0; i--) {
    const value = steps[i].list ? `[${inner}]` : inner;
    inner = i === 0 ? `${steps[i].key}: ${value}` : `{${[...required(steps[i - 1].kind), `${steps[i].key}: ${value}`].join(', ')}}`;
  }
  return [...required('design'), inner].join('\n') + '\n';
}

/** A few values for a key whose type an earlier key had: the schema and the engine both go by the type. */
const SAME_TYPE_PROBES = ['x', '1', 'true', '', '[]', '{}'];

/**
 * Every key of the DSL given every probe value (and, for lists of values, a list of it; a
 * key of a type already probed, a few), every required key left out, an unknown key everywhere.
 */
function probes(): string[] {
  const out: string[] = [];
  const typesSeen = new Set<string>();
  for (const kind of Object.keys(SCHEMA) as ObjectKind[]) {
    out.push(designWith(kind, ['unknown_key: 1']));
    for (const k of SCHEMA[kind].keys) {
      if (k.required) {
        out.push(designWith(kind, [], k.key));
      }
      const type = JSON.stringify(k.type);
      const base = typesSeen.has(type) ? SAME_TYPE_PROBES : PROBES;
      typesSeen.add(type);
      const values = k.type.t === 'enum' ? [...base, ...k.type.values.map((v) => v.value)] : base;
      for (const v of values) {
        out.push(designWith(kind, [`${k.key}: ${v}`].filter(() => !k.required || kind !== 'design'), k.required ? k.key : undefined));
        if (k.type.t === 'list' && k.type.of.t !== 'object') {
          out.push(designWith(kind, [`${k.key}: [${v}]`]));
        }
      }
    }
  }
  for (const v of [...PROBES, ...CHECKLIST_STATE_VALUES.map((s) => s.value)]) {
    out.push(designWith('review', [`checklist: {delivery: ${v}}`]));
  }
  out.push(designWith('review', ['checklist: {delivry: done, ordering: done}']));
  return out;
}

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

describe('the JSON Schema of the DSL', () => {
  test('every example is valid', () => {
    const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.design.yaml'));
    assert.ok(examples.length >= 8, 'the examples are there');
    for (const f of examples) {
      const json = toJson(fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8'));
      assert.ok(json.ok, f);
      assert.ok(validate(json.value), `${f}: ${JSON.stringify(validate.errors, null, 1)}`);
    }
  });

  test('a wrong enum value is rejected, at its place, with the allowed values', () => {
    const json = toJson('design: shop\ndsl: 1\nchannels:\n  - name: orders\n    delivery: exactly-twice\n');
    assert.ok(json.ok);
    assert.equal(validate(json.value), false);
    assert.deepEqual(
      validate.errors!.map((e) => [e.instancePath, e.keyword, e.params]),
      [['/channels/0/delivery', 'enum', { allowedValues: ['at-most-once', 'at-least-once', 'exactly-once'] }]],
    );
  });

  test('an unknown key, a missing required key, a duration without unit and a wrong type are rejected', () => {
    const json = toJson('design: shop\ndsl: 2\nservices:\n  - name: a\n    operations:\n      - name: b\n        timout: 2s\n        timeout: 2\n  - operations: nope\n');
    assert.ok(json.ok);
    assert.deepEqual(schemaSays(json.value), [
      'DSN002 /services/0/operations/0/timout',
      'DSN003 /dsl',
      'DSN003 /services/0/operations/0/timeout',
      'DSN003 /services/1/operations',
      'DSN006 /services/1/name',
    ]);
  });

  test('keys carry their hover text; enum values theirs', () => {
    const s = designSchema() as { properties: Record<string, { markdownDescription: string }>; definitions: Record<string, { properties: Record<string, Record<string, unknown>> }> };
    assert.match(s.properties.design.markdownDescription, /^\*\*`design`\*\* · design · required\n\nThe design's name\./);
    const delivery = s.definitions.channel.properties.delivery;
    assert.equal(delivery.description, 'The delivery guarantee of the channel. Value: one of `at-most-once`, `at-least-once`, `exactly-once`.');
    assert.equal((delivery.enumDescriptions as string[])[1], 'Message is never lost but may be delivered more than once. Most common default for production systems.');
    assert.match((delivery.markdownEnumDescriptions as string[])[2], /\*\*Trade-off:\*\* significant complexity/);
    assert.doesNotMatch(designSchemaText(), /seed/i, 'user-facing text says "the knowledge contract", never "seed"');
  });

  test('`ddr schema` prints the checked-in schemas/design.schema.json, which is up to date', () => {
    const r = spawnSync(process.execPath, [DDR, 'schema'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const file = fs.readFileSync(path.join(ROOT, SCHEMA_PATH), 'utf8');
    assert.equal(r.stdout, file, 'schemas/design.schema.json is stale: run `npm run gen`');
    assert.equal(file, designSchemaText());
  });

  test('the generator writes the schema, and its --check fails on a stale one', () => {
    const dir = tempDir({ [SCHEMA_PATH]: '{}\n' }, 'ddr-schema-');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['-e', `process.exitCode = require(${JSON.stringify(path.join(ROOT, 'out', 'server', 'src', 'cli', 'jsonSchema.js'))}).genSchemaMain(process.argv.slice(1), ${JSON.stringify(dir)})`, '--', ...args], { encoding: 'utf8' });
    const check = run('--check');
    assert.equal(check.status, 1);
    assert.equal(check.stderr, 'gen: stale: schemas/design.schema.json\ngen: run `npm run gen` and commit the result\n');
    assert.equal(fs.readFileSync(path.join(dir, SCHEMA_PATH), 'utf8'), '{}\n', '--check writes nothing');
    const write = run();
    assert.equal(write.status, 0, write.stderr);
    assert.equal(write.stdout, 'gen: wrote schemas/design.schema.json\n');
    assert.equal(fs.readFileSync(path.join(dir, SCHEMA_PATH), 'utf8'), designSchemaText());
    assert.equal(run('--check').status, 0);
    assert.match(fs.readFileSync(path.join(ROOT, 'scripts', 'gen.js'), 'utf8'), /'jsonSchema\.js'/, '`npm run gen` runs this generator');
  });

  test('`ddr schema --help` and a stray argument', () => {
    const help = spawnSync(process.execPath, [DDR, 'schema', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: ddr schema\n/);
    const bad = spawnSync(process.execPath, [DDR, 'schema', 'x.yaml'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.equal(bad.stderr, 'ddr: ddr schema takes no arguments (got `x.yaml`)\nRun `ddr schema --help` for usage.\n');
  });
});

describe('the JSON Schema agrees with the engine (DSN002, DSN003, DSN006)', () => {
  const files = [...yamlFiles(path.join(ROOT, 'test', 'rules')), ...yamlFiles(path.join(ROOT, 'test', 'corpus')), ...yamlFiles(path.join(ROOT, 'examples'))];
  const used = new Set<string>();
  let compared = 0;
  let invalid = 0;
  for (const file of files) {
    const rel = path.relative(ROOT, file);
    test(rel, () => {
      // Corpus files are compared as written (their repeat blocks once): a YAML tool sees them so.
      const r = compare(fs.readFileSync(file, 'utf8'));
      r.used.forEach((u) => used.add(u));
      if (r.parsed) {
        compared++;
        invalid += r.engine.length ? 1 : 0;
      }
      assert.deepEqual(r.unexplained, [], `engine: ${r.engine.join(', ')}\nschema: ${r.schema.join(', ')}`);
    });
  }
  test('every key of the DSL given values of every kind', () => {
    const all = probes();
    const wrong: string[] = [];
    let invalid = 0;
    for (const text of all) {
      const r = compare(text);
      assert.ok(r.parsed, `the probe does not parse:\n${text}`);
      invalid += r.engine.length ? 1 : 0;
      r.used.forEach((u) => used.add(u));
      if (r.unexplained.length) {
        wrong.push(`${text}  ${r.unexplained.join('; ')}`);
      }
    }
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} of ${all.length} probes disagree`);
    assert.ok(all.length > 1500 && invalid > all.length / 2, `${all.length} probes, ${invalid} invalid`);
  });
  test('enough files were compared, valid and invalid ones', () => {
    assert.ok(compared >= 100, `${compared} files compared`);
    assert.ok(invalid >= 10, `${invalid} files with structure findings`);
  });
  for (const ex of EXCEPTIONS) {
    test(`exception: ${ex.name} (${ex.reason})`, () => {
      const r = compare(ex.example);
      assert.deepEqual(r.unexplained, []);
      assert.ok(r.used.has(ex.name), `the example shows the exception: engine ${r.engine.join(', ')}; schema ${r.schema.join(', ')}`);
    });
  }
});
