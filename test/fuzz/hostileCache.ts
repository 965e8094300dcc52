// Hostile cache files (issue 15, item 5's class): a valid `ddr lint --cache` file, then
// random damage — any value anywhere replaced by null, −5, 1e30, 1.5, a string with
// terminal escapes, an unknown severity or rule id, a list or an object; keys deleted or
// added (`__proto__`, `constructor`, a relative path); the text truncated or replaced —
// and `ddr lint --cache` run on it in-process (every format, the cache trusted by stat or
// by hash). What must hold for every such cache:
// - no throw and no "internal error"; the exit code is 0 or 1 — or 2 with the refusal,
//   the file left as it is, when the damage took its first bytes (it is then no longer
//   recognisably a ddr cache, and could be a file of the user's);
// - stderr is empty or one line, "ddr: warning: discarded the cache …";
// - a discarded cache gives exactly the report of a run without the cache;
// - text and github output carry no raw control character (a cache that passes the
//   checks may still say anything: it is printed through the same escaping), JSON and
//   SARIF parse;
// - every line:column printed is within the file's length.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { packageVersion } from '../../server/src/cli/io';
import { main } from '../../server/src/cli/main';
import { CONTROL } from '../../server/src/cli/format/escape';
import { RELATED, SHOP } from '../support/designs';
import type { PropertyDef } from './properties';

const FILES: Record<string, string> = { 'a.design.yaml': SHOP, 'b.design.yaml': RELATED };
const FORMATS = ['text', 'github', 'json', 'sarif'] as const;

interface Setup {
  dir: string;
  cache: string;
  valid: string;
  plain: Record<string, Result>;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let setup: Setup | undefined;

function lint(args: string[], dir: string): Result {
  let stdout = '';
  let stderr = '';
  const code = main(['lint', '--concurrency', 'off', '--no-color', ...args], {
    cwd: dir,
    env: {},
    stdoutIsTTY: false,
    version: packageVersion(),
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  });
  assert.equal(typeof code, 'number', 'one thread: lint answers at once');
  return { code: code as number, stdout, stderr };
}

/** One folder for every run: two designs, their report without a cache, and a valid cache of them. */
function once(): Setup {
  if (setup) {
    return setup;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-fuzz-cache-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(FILES)) {
    fs.writeFileSync(path.join(dir, name), text);
  }
  // Files changed well before any cache written below: stat alone may vouch for them.
  const past = new Date(Date.now() - 60_000);
  for (const name of Object.keys(FILES)) {
    fs.utimesSync(path.join(dir, name), past, past);
  }
  const plain = Object.fromEntries(FORMATS.map((f) => [f, lint(['--format', f, '.'], dir)]));
  const cache = path.join(dir, '.ddrcache');
  lint(['--cache', '.'], dir);
  setup = { dir, cache, valid: fs.readFileSync(cache, 'utf8'), plain };
  return setup;
}

const hostileValue = fc.oneof(
  fc.constantFrom<unknown>(null, -5, 1e30, 1.5, -0, Number.MAX_SAFE_INTEGER, true, [], {}, '', 'fatal', 'error', 'info', 'XYZ999', 'DSN002', '__proto__', 'rel/a.design.yaml'),
  fc.constantFrom('\u001b]0;TITLE\u0007', '\u001b[2J', '\u009b2J', '\u202egnp.exe', '\r\b\u0007', 'x'.repeat(10_000)),
  fc.integer({ min: -3, max: 400 }),
  fc.string({ maxLength: 12 }),
  fc.array(fc.integer({ min: -2, max: 400 }), { maxLength: 4 }),
  fc.record({ range: fc.array(fc.integer({ min: -2, max: 400 }), { maxLength: 3 }), message: fc.string({ maxLength: 8 }) }),
);

const pathArb = fc.array(fc.nat(), { minLength: 1, maxLength: 7 });

type Mutation =
  | { kind: 'set'; at: number[]; value: unknown }
  | { kind: 'delete'; at: number[] }
  | { kind: 'addKey'; at: number[]; key: string; value: unknown }
  | { kind: 'truncate'; at: number }
  | { kind: 'text'; text: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), at: pathArb, value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: pathArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addKey' as const), at: pathArb, key: fc.constantFrom('__proto__', 'constructor', 'toString', '/abs/x.design.yaml', 'rel', 'stat', 'related', 'waiver'), value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.oneof(fc.string(), fc.constantFrom('{"ddrCache":2', '{"ddrCache":2}', 'null', '[]', '{"ddrCache":2,"files":null}')) }) },
);

/** The container and key `at` leads to, each step taken modulo the keys there. */
function walk(root: unknown, at: number[]): { parent: Record<string, unknown>; key: string } | undefined {
  let parent: Record<string, unknown> | undefined;
  let key = '';
  let node = root;
  for (const step of at) {
    if (!node || typeof node !== 'object') {
      break;
    }
    const keys = Object.keys(node);
    if (!keys.length) {
      break;
    }
    parent = node as Record<string, unknown>;
    key = keys[step % keys.length];
    node = parent[key];
  }
  return parent ? { parent, key } : undefined;
}

/** The valid cache with the mutations applied, as the text to write. */
export function damage(valid: string, mutations: Mutation[]): string {
  let text: string | undefined;
  const data = JSON.parse(valid) as unknown;
  for (const m of mutations) {
    if (m.kind === 'truncate') {
      text = (text ?? JSON.stringify(data)).slice(0, m.at % (valid.length + 1));
      continue;
    }
    if (m.kind === 'text') {
      text = m.text;
      continue;
    }
    const target = walk(data, m.at);
    if (!target) {
      continue;
    }
    if (m.kind === 'set') {
      Object.defineProperty(target.parent, target.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    } else if (m.kind === 'delete') {
      delete target.parent[target.key];
    } else {
      const holder = target.parent[target.key];
      const into = holder && typeof holder === 'object' ? (holder as Record<string, unknown>) : target.parent;
      Object.defineProperty(into, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    }
  }
  return text ?? JSON.stringify(data);
}

export function checkHostileCache(mutations: Mutation[], format: (typeof FORMATS)[number], aged: boolean): void {
  const s = once();
  const text = damage(s.valid, mutations);
  fs.writeFileSync(s.cache, text);
  if (aged) {
    const later = new Date(Date.now() + 10_000);
    fs.utimesSync(s.cache, later, later);
  }
  let r: Result;
  try {
    r = lint(['--cache', '--format', format, '.'], s.dir);
  } catch (e) {
    assert.fail(`lint threw on a damaged cache: ${String((e as Error)?.stack ?? e)}\ncache: ${text.slice(0, 2000)}`);
  }
  const plain = s.plain[format];
  const context = `\nstderr: ${JSON.stringify(r.stderr)}\ncache: ${text.slice(0, 2000)}`;
  const start = Buffer.from(text).subarray(0, 64).toString('latin1');
  if (!/^\s*\{\s*"ddrCache"\s*:/.test(start) && !(start.length < 64 && !start.trim())) {
    // Damaged at its very start, it is no longer recognisably a ddr cache: like any file
    // of the user's, refused and left as it is.
    assert.deepEqual(
      { code: r.code, stdout: r.stdout, stderr: r.stderr },
      {
        code: 2,
        stdout: '',
        stderr: 'ddr: cannot use .ddrcache as the cache: it is a file that is not a ddr cache, and ddr writes its cache only to a new file or over a cache of its own\nRun `ddr lint --help` for usage.\n',
      },
      context,
    );
    assert.equal(fs.readFileSync(s.cache, 'utf8'), text);
    return;
  }
  assert.doesNotMatch(r.stderr, /internal error/, context);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}${context}`);
  if (r.stderr) {
    assert.match(r.stderr, /^ddr: warning: discarded the cache \.ddrcache: [^\n]*\n$/, `one warning line${context}`);
    assert.deepEqual(r, { ...plain, stderr: r.stderr }, `a discarded cache gives the report of a run without it${context}`);
  }
  if (format === 'text' || format === 'github') {
    const raw = [...`${r.stdout}${r.stderr}`.matchAll(CONTROL)].filter((m) => m[0] !== '\n');
    assert.deepEqual(raw.map((m) => m.index), [], `raw control characters in ${format} output${context}\n${JSON.stringify(r.stdout)}`);
  } else {
    JSON.parse(r.stdout);
    assert.doesNotMatch(r.stdout, /[\u007f-\u009f\u202a-\u202e]/, `raw C1 or bidi in ${format}${context}`);
  }
  // Positions: whatever a cache that passed the checks says, within the file.
  const longest = Math.max(...Object.values(FILES).map((t) => t.length));
  for (const m of r.stdout.matchAll(/(?:line|startLine|endLine)["=:]\s*(\d+)|\.ya?ml:(\d+):(\d+)/g)) {
    const n = Number(m[1] ?? m[2]);
    assert.ok(n >= 1 && n <= longest + 1, `line ${n} beyond the file${context}`);
  }
}

export const HOSTILE_CACHE_PROPERTY: PropertyDef = {
  name: 'hostile cache files: a damaged --cache file never crashes, is discarded with one warning or printed escaped, positions within the files',
  runs: 150,
  property: () =>
    fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), fc.constantFrom(...FORMATS), fc.boolean(), (mutations, format, aged) => checkHostileCache(mutations, format, aged)),
};
