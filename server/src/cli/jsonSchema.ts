// The DSL as a JSON Schema (draft-07), generated from server/src/engine/schema.ts, so that
// editors without ddr (yaml-language-server, JetBrains IDEs, GitHub's YAML tooling) get
// validation, completion and hovers for *.design.yaml.
//
// `ddr schema` prints it; `npm run gen` writes schemas/design.schema.json (this module run
// as a script, one of scripts/gen.js's generators); `--check` writes nothing and exits 1
// when the file is stale.
//
// Draft-07, not 2020-12: yaml-language-server (VS Code's YAML extension, Neovim, Helix …),
// JetBrains IDEs and SchemaStore support draft-07 best, and ajv's default export is draft-07.
//
// The schema says what DSN002 (unknown keys), DSN003 (invalid values) and DSN006 (missing
// required keys) say, where a schema can: test/json-schema.test.ts compares them on every
// rule fixture and corpus file, and lists what a schema cannot say.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { enumValueMarkdown, keyMarkdown } from '../engine/hover';
import { CHECKLIST_STATE_VALUES, describeType, EnumValue, KeySpec, ObjectKind, RETRY_SYMBOLS, SCHEMA, ValueType } from '../engine/schema';
import { AREA_TITLES, AREAS } from '../engine/types';
import { parseArgs, UsageError } from './args';
import type { Io } from './io';

export const SCHEMA_PATH = 'schemas/design.schema.json';
/** Where the schema is published: the canonical repository's main branch. */
export const SCHEMA_URL = 'https://raw.githubusercontent.com/distributed-design-review/ddr/main/schemas/design.schema.json';

export const SCHEMA_USAGE = `Usage: ddr schema

Prints the JSON Schema (draft-07) of *.design.yaml files: what yaml-language-server,
JetBrains IDEs and other YAML tools validate and complete designs with. The same file is
schemas/design.schema.json in the repository.
`;

type Json = { [key: string]: unknown };

/** Object kinds that are list items (`services: [...]`): a mapping is required, never empty. */
function listItemKinds(): Set<ObjectKind> {
  const kinds = new Set<ObjectKind>();
  const visit = (t: ValueType) => {
    if (t.t === 'list') {
      if (t.of.t === 'object') {
        kinds.add(t.of.kind);
      }
      visit(t.of);
    }
  };
  for (const spec of Object.values(SCHEMA)) {
    for (const k of spec.keys) {
      visit(k.type);
    }
  }
  return kinds;
}

function enumSchema(values: EnumValue[], key: string): Json {
  return {
    enum: values.map((v) => v.value),
    enumDescriptions: values.map((v) => v.doc),
    markdownEnumDescriptions: values.map((v) => enumValueMarkdown(key, v)),
  };
}

/** The schema of a value. `key` names the key for enum values' hovers. */
function valueSchema(t: ValueType, key: string): Json {
  switch (t.t) {
    case 'string':
    case 'ref':
    case 'code':
      // The engine reads `name: 404` as the string "404": a number is a name too.
      return { type: ['string', 'number'] };
    case 'int':
      return t.min !== undefined && t.min === t.max ? { type: 'integer', const: t.min } : { type: 'integer', ...(t.min !== undefined ? { minimum: t.min } : {}), ...(t.max !== undefined ? { maximum: t.max } : {}) };
    case 'bool':
      return { type: 'boolean' };
    case 'duration':
      return { type: 'string', pattern: '^\\d+(ms|s|m|h|d)$', examples: ['150ms', '2s', '5m', '1h', '7d'] };
    case 'percent':
      // parsePercent: a number up to 100, then `%` (leading zeros allowed, as Number() reads them).
      return { type: 'string', pattern: '^0*(\\d{1,2}(\\.\\d+)?|100(\\.0+)?)%$', examples: ['10%'] };
    case 'enum':
      return enumSchema(t.values, key);
    case 'list':
      // An empty `services:` is an empty list.
      return { type: ['array', 'null'], items: valueSchema(t.of, key) };
    case 'object':
      return { $ref: `#/definitions/${t.kind}` };
    case 'attempts':
      return { anyOf: [{ type: 'integer', minimum: 1 }, { enum: ['unlimited'], enumDescriptions: ['Retries never stop on their own: only a `circuit_breaker` bounds them.'] }] };
    case 'retryCode': {
      const symbols = Object.keys(RETRY_SYMBOLS);
      return {
        anyOf: [
          { type: 'integer', minimum: 100, maximum: 599 },
          { enum: symbols, enumDescriptions: symbols.map((s) => RETRY_SYMBOLS[s]) },
          // A code of the target's `errors.non_retryable` (DSN003 checks it against the target).
          { type: 'string' },
        ],
      };
    }
    case 'checklist': {
      const properties: Json = {};
      for (const area of AREAS) {
        properties[area] = { description: `${AREA_TITLES[area]}: the review state of the area.`, ...enumSchema(CHECKLIST_STATE_VALUES, area) };
      }
      return { type: ['object', 'null'], properties, additionalProperties: false };
    }
  }
}

function keySchema(spec: KeySpec, owner: string): Json {
  return {
    description: `${spec.doc} Value: ${describeType(spec.type)}.`,
    markdownDescription: keyMarkdown(spec, owner),
    ...valueSchema(spec.type, spec.key),
  };
}

function objectSchema(kind: ObjectKind, nullable: boolean): Json {
  const spec = SCHEMA[kind];
  const properties: Json = {};
  for (const k of spec.keys) {
    properties[k.key] = keySchema(k, spec.title);
  }
  const required = spec.keys.filter((k) => k.required).map((k) => k.key);
  if (nullable && required.length) {
    // `retry:` with nothing under it is an empty mapping: its required keys would go unchecked.
    throw new Error(`jsonSchema: ${kind} has required keys and may be empty: the schema cannot say both`);
  }
  return {
    title: spec.title,
    // A nested mapping left empty (`retry:`) is an empty policy; a list item must be a mapping.
    type: nullable ? ['object', 'null'] : 'object',
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}

/** The JSON Schema of a design, as an object. */
export function designSchema(): Json {
  const items = listItemKinds();
  // The root is the `design` mapping, under the file's own title.
  const { title: _title, ...root } = objectSchema('design', false);
  const definitions: Json = {};
  for (const kind of Object.keys(SCHEMA) as ObjectKind[]) {
    if (kind !== 'design') {
      definitions[kind] = objectSchema(kind, !items.has(kind));
    }
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_URL,
    $comment: 'Generated by `npm run gen` (or `ddr schema`) from server/src/engine/schema.ts; edit that, not this file.',
    title: 'Distributed design (*.design.yaml)',
    description:
      'A design of a distributed system, reviewed by ddr (Distributed Design Review): its requirements, services, operations and calls, channels, data and workflows, with their delivery, retry, idempotency, timeout, partial-failure, consistency and ordering guarantees.',
    ...root,
    definitions,
  };
}

/** The text of schemas/design.schema.json: 2-space JSON and a final newline. */
export function designSchemaText(): string {
  return JSON.stringify(designSchema(), null, 2) + '\n';
}

/** `ddr schema`. */
export function schemaCommand(argv: string[], io: Io): number {
  const p = parseArgs(argv, [{ name: 'help', short: 'h' }]);
  if (p.flags.has('help')) {
    io.stdout(SCHEMA_USAGE);
    return 0;
  }
  if (p.positionals.length) {
    throw new UsageError(`ddr schema takes no arguments (got \`${p.positionals[0]}\`)`);
  }
  io.stdout(designSchemaText());
  return 0;
}

/** `node out/server/src/cli/jsonSchema.js [--check]`, run by `npm run gen`. */
export function genSchemaMain(argv: string[], repoRoot: string): number {
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length) {
    process.stderr.write(`gen: unknown argument \`${unknown[0]}\` (only --check)\n`);
    return 2;
  }
  const file = path.join(repoRoot, SCHEMA_PATH);
  const text = designSchemaText();
  const now = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (now === text) {
    return 0;
  }
  if (argv.includes('--check')) {
    process.stderr.write(`gen: stale: ${SCHEMA_PATH}\ngen: run \`npm run gen\` and commit the result\n`);
    return 1;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  process.stdout.write(`gen: wrote ${SCHEMA_PATH}\n`);
  return 0;
}

if (require.main === module) {
  // out/server/src/cli/jsonSchema.js → the repository root.
  process.exitCode = genSchemaMain(process.argv.slice(2), path.resolve(__dirname, '..', '..', '..', '..'));
}
