// `ddr lint --cache`: each file's findings, kept under its absolute path with a hash of its
// bytes, so that the next run does not analyse an unchanged file (ESLint's --cache).
// The positions of the findings are kept too, so that the text is not even decoded.
// Like git's index, an entry also keeps what `stat` said of the file when its bytes were
// hashed (size, modification and change times, inode): while stat says the same, the
// file is not even read. Any write changes the change time, which no one can set back;
// a file whose stat differs is read and hashed, and its findings are still used if its
// bytes are the same (a `touch`, a checkout of the same content). A file changed within
// RACY_NS of the cache's own writing is not trusted by its stat (git's "racily clean"):
// on a file system whose clock ticks coarsely, a second write in the same tick would
// leave its stat as it was.
// The whole cache is dropped when ddr's version or the effective settings change, and it
// is written atomically (a temporary file renamed over it), so a reader never sees half.
// A cache is untrusted input (issue 15): ddr writes one only to a missing path or over a
// regular file that is already a ddr cache (its first bytes say `{"ddrCache":`), reads
// only a regular file of at most MAX_CACHE_BYTES, opened without blocking and checked on
// its descriptor, and validates every entry against its schema and against the file it
// describes; a cache that fails is discarded with a one-line warning and the files are
// analysed.
// This module loads neither the engine nor `yaml`: a run served from the cache parses nothing.
// `import = require` binds the module itself: `import * as` would copy its exports at every start.
import fs = require('node:fs');
import path = require('node:path');
import { defaultSettings, Settings } from '../engine/rule';
import type { Position } from '../engine/types';
import type { Outcome } from './analyseFile';
import { display, reason } from './files';
import { visible } from './format/escape';
import type { Locator } from './format/types';
import { writeWhole } from './io';

export const DEFAULT_CACHE_FILE = '.ddrcache';
/** The layout of the cache file; a file of another layout is ignored and rewritten (2: files' stats, settings unhashed). */
const LAYOUT = 2;

interface Entry {
  hash: string;
  /** statKey of the file when its bytes were hashed; absent when its stat is not to be trusted (bytes that are not UTF-8). */
  stat?: string;
  findings: Outcome['findings'];
  waived: Outcome['waived'];
  /** `[offset, line, character, …]` for every offset the findings print. */
  positions: number[];
}

/** A cached file's findings and what prints their positions. */
export interface Cached {
  outcome: Outcome;
  positions: number[];
}

/** The most bytes a cache file may have to be read: 256 MiB (10,000 files of 100 findings take ~100 MB). */
export const MAX_CACHE_BYTES = 256 * 1024 * 1024;

/**
 * The ids of the registry's rules. The cache checks the rule id of every cached finding
 * against them without loading the registry (which loads every rule, and the engine: a run
 * served from the cache loads neither); test/hostile-cli.test.ts checks that this list is
 * the registry's.
 */
export const KNOWN_RULE_IDS: ReadonlySet<string> = new Set(
  (
    'DSN001 DSN002 DSN003 DSN004 DSN005 DSN006 DSN007 DLV001 DLV002 DLV003 DLV004 DLV005 DLV006 ' +
    'RTY001 RTY002 RTY003 RTY004 RTY005 RTY006 RTY007 RTY008 RTY009 RTY010 RTY011 DUP001 DUP002 ' +
    'TMO001 TMO002 TMO003 TMO004 TMO005 TMO006 PAR001 PAR002 PAR003 PAR004 PAR005 PAR006 PAR007 PAR008 PAR009 ' +
    'CNS001 CNS002 CNS003 CNS004 CNS005 CNS006 CNS007 ORD001 ORD002 ORD003 ORD004 ORD005 ORD006'
  ).split(' '),
);

interface CacheData {
  ddrCache: number;
  version: string;
  settings: string;
  files: Record<string, Entry>;
}

// node:crypto costs a few milliseconds to load: only runs with --cache pay them.
let crypto: typeof import('node:crypto') | undefined;

/** The sha1 of some bytes, base64: one call of `crypto.hash` where Node has it (20.12), no Hash object per file. */
function sha1(data: Uint8Array): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  crypto ??= require('node:crypto') as typeof import('node:crypto');
  const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'base64') => string }).hash;
  return oneShot ? oneShot('sha1', data, 'base64') : crypto.createHash('sha1').update(data).digest('base64');
}

export function contentHash(raw: Uint8Array): string {
  return sha1(raw);
}

/** A file's stat as the cache compares it: size, modification and change times (ns), inode. */
export function statKey(st: fs.BigIntStats): string {
  return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
}

/** How close to the cache's writing a file's change makes its stat untrustworthy: 2 s, FAT's tick. */
export const RACY_NS = 2_000_000_000n;

/** The stat of a regular file (following links), or undefined for anything else or an error. */
export function fileStat(abs: string): fs.BigIntStats | undefined {
  try {
    const st = fs.statSync(abs, { bigint: true });
    return st.isFile() ? st : undefined;
  } catch {
    return undefined;
  }
}

/** JSON with sorted keys, so that equal settings always give one key. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) {
    return `[${v.map(stableJson).join(',')}]`;
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * The effective settings as one string: the defaults and what the command line changed.
 * Not hashed: a few hundred characters compare as fast, and a run whose files all
 * stat as before then never loads node:crypto (~3 ms).
 */
export function settingsKey(overrides: Partial<Settings>): string {
  return stableJson({ defaults: defaultSettings, overrides });
}

/** `--cache-location`: a file, or a folder (existing, or written with a trailing `/`) that gets `.ddrcache`. */
export function cachePath(location: string | undefined, cwd: string): string {
  const p = path.resolve(cwd, location ?? DEFAULT_CACHE_FILE);
  if (location !== undefined && /[\\/]$/.test(location)) {
    return path.join(p, DEFAULT_CACHE_FILE);
  }
  try {
    if (fs.statSync(p).isDirectory()) {
      return path.join(p, DEFAULT_CACHE_FILE);
    }
  } catch {
    // Not there yet: a file of that name.
  }
  return p;
}

/** What a path holds, in words, for a message: `a FIFO`, `a character device`. */
function kindOf(st: fs.Stats | fs.BigIntStats): string {
  return st.isDirectory()
    ? 'a folder'
    : st.isCharacterDevice()
      ? 'a character device'
      : st.isBlockDevice()
        ? 'a block device'
        : st.isFIFO()
          ? 'a FIFO'
          : st.isSocket()
            ? 'a socket'
            : 'not a regular file';
}

/** The first bytes of every cache ddr writes (JSON.stringify puts `ddrCache` first), of any layout. */
const HEADER = /^\s*\{\s*"ddrCache"\s*:/;

/**
 * Why the cache may not be at `file` (resolved by cachePath), or undefined when ddr may
 * read and write it: a missing path, or a regular file that is empty or already a ddr
 * cache. Anything else — a device (`/dev/null` too), a FIFO, a socket, a file of the user's
 * (a design named by mistake) — is refused, so that no run replaces it. The file is
 * opened without blocking and checked on its descriptor, so that a FIFO swapped in after a
 * stat cannot make the check hang. A folder that cannot be searched is left to the write,
 * which warns.
 */
export function locationProblem(file: string, cwd: string): string | undefined {
  const rel = display(file, cwd);
  // A path outside the working folder (/dev/null) is shown as it is, not as ../../dev/null.
  const shown = visible(rel.startsWith('../') ? file : rel);
  const noCache = 'to lint without a cache, leave out --cache';
  let opened: ReturnType<typeof openRegular>;
  try {
    opened = openRegular(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return undefined;
    }
    return `cannot use ${shown} as the cache: ${reason(e)}, so ddr cannot tell that it is a cache of its own (${noCache})`;
  }
  if ('kind' in opened) {
    return `cannot use ${shown} as the cache: it is ${opened.kind}, not a file (${noCache})`;
  }
  const { fd, st } = opened;
  try {
    if (st.size === 0n) {
      return undefined;
    }
    const head = Buffer.alloc(64);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    const start = head.subarray(0, n).toString('latin1');
    // A file of a few blanks holds nothing to lose either.
    const blank = n < head.length && !start.trim();
    if (!blank && !HEADER.test(start)) {
      return `cannot use ${shown} as the cache: it is a file that is not a ddr cache, and ddr writes its cache only to a new file or over a cache of its own`;
    }
    return undefined;
  } catch (e) {
    return `cannot use ${shown} as the cache: ${reason(e)}`;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens a regular file for reading; anything else is not even opened (opening a device
 * can act: a tape rewinds, a loop device is created, a terminal becomes the controlling
 * one) and comes back as its kind. The stat comes first; the file is then opened without
 * blocking (a FIFO swapped in meanwhile cannot hang it) and checked again on its
 * descriptor, which is what is read. Throws what failed (ENOENT: missing).
 */
function openRegular(file: string): { fd: number; st: fs.BigIntStats } | { kind: string } {
  const first = fs.statSync(file);
  if (!first.isFile()) {
    return { kind: kindOf(first) };
  }
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0));
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    if (!st.isFile()) {
      fs.closeSync(fd);
      return { kind: kindOf(fs.statSync(file)) };
    }
    return { fd, st };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/** Up to `max` bytes from a descriptor's start, or undefined when there are more. */
function readAtMost(fd: number, max: number): Buffer | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total));
    const n = fs.readSync(fd, chunk, 0, chunk.length, total);
    if (n === 0) {
      return Buffer.concat(chunks, total);
    }
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > max) {
      return undefined;
    }
  }
}

type Range = [number, number];

/** Why a value is not a `[start, end]` range of offsets (whole, 0 ≤ start ≤ end), or undefined. */
function rangeProblem(r: unknown): string | undefined {
  if (!Array.isArray(r) || r.length !== 2 || !r.every((n) => Number.isSafeInteger(n) && (n as number) >= 0) || (r[0] as number) > (r[1] as number)) {
    return 'range is not [start, end]';
  }
  return undefined;
}

const SEVERITIES = new Set(['error', 'warning', 'info']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Why a cached finding (a waived one when `waived`) does not fit its schema, or undefined.
 * Adds the offsets it prints to `offsets`, and those it does not print to `unlocated`.
 */
function findingProblem(f: unknown, waived: boolean, offsets: number[], unlocated: number[]): string | undefined {
  if (!isObject(f)) {
    return 'not a finding';
  }
  if (typeof f.ruleId !== 'string' || !KNOWN_RULE_IDS.has(f.ruleId)) {
    return 'unknown rule id';
  }
  if (typeof f.severity !== 'string' || !SEVERITIES.has(f.severity)) {
    return 'unknown severity';
  }
  if (typeof f.message !== 'string' || typeof f.path !== 'string') {
    return 'message or path is not a string';
  }
  if (f.fixable !== undefined && typeof f.fixable !== 'boolean') {
    return 'fixable is not true or false';
  }
  const bad = rangeProblem(f.range);
  if (bad) {
    return bad;
  }
  offsets.push(...(f.range as Range));
  if (f.related !== undefined) {
    if (!Array.isArray(f.related)) {
      return 'related is not a list';
    }
    for (const r of f.related as unknown[]) {
      if (!isObject(r) || typeof r.message !== 'string' || rangeProblem(r.range)) {
        return 'related information is not {range, message}';
      }
      offsets.push(...(r.range as Range));
    }
  }
  if (waived) {
    const w = f.waiver;
    if (!isObject(w) || typeof w.reason !== 'string' || rangeProblem(w.range)) {
      return 'waiver is not {reason, range}';
    }
    // Not printed, so not located: only its end must fit in the file.
    unlocated.push((w.range as Range)[1]);
  }
  return undefined;
}

/**
 * Why a cache entry does not fit its schema, or undefined; on success, the largest offset
 * it holds (the file it describes must be at least that long). Every offset a finding
 * prints must have its position, and a position (line, character) of an offset can be
 * neither greater than it.
 */
function entryProblem(e: unknown): { problem: string } | { maxOffset: number } {
  if (!isObject(e)) {
    return { problem: 'not an entry' };
  }
  if (typeof e.hash !== 'string') {
    return { problem: 'hash is not a string' };
  }
  if (e.stat !== undefined && (typeof e.stat !== 'string' || !/^\d+:\d+:\d+:\d+$/.test(e.stat))) {
    return { problem: 'stat is not size:mtime:ctime:inode' };
  }
  if (!Array.isArray(e.findings) || !Array.isArray(e.waived) || !Array.isArray(e.positions)) {
    return { problem: 'findings, waived or positions is not a list' };
  }
  const offsets: number[] = [];
  const unlocated: number[] = [];
  for (const [list, waived] of [
    [e.findings, false],
    [e.waived, true],
  ] as const) {
    for (let i = 0; i < list.length; i++) {
      const p = findingProblem(list[i], waived, offsets, unlocated);
      if (p) {
        return { problem: `${waived ? 'waived' : 'findings'}[${i}]: ${p}` };
      }
    }
  }
  const positions = e.positions as unknown[];
  if (positions.length % 3 !== 0) {
    return { problem: 'positions is not [offset, line, character, …]' };
  }
  const located = new Set<number>();
  let maxOffset = 0;
  for (let i = 0; i < positions.length; i += 3) {
    const [offset, line, character] = positions.slice(i, i + 3) as number[];
    if (![offset, line, character].every((n) => Number.isSafeInteger(n) && n >= 0) || line > offset || character > offset) {
      return { problem: `positions[${i}]: not the position of an offset` };
    }
    located.add(offset);
    maxOffset = Math.max(maxOffset, offset);
  }
  for (const o of offsets) {
    if (!located.has(o)) {
      return { problem: `offset ${o} has no position` };
    }
  }
  for (const o of unlocated) {
    maxOffset = Math.max(maxOffset, o);
  }
  return { maxOffset };
}

/** Every offset an output prints for these findings. */
function offsets(o: Pick<Outcome, 'findings' | 'waived'>): Set<number> {
  const out = new Set<number>();
  for (const f of [...o.findings, ...o.waived]) {
    out.add(f.range[0]).add(f.range[1]);
    for (const r of f.related ?? []) {
      out.add(r.range[0]).add(r.range[1]);
    }
  }
  return out;
}

/** The positions of every offset the outcome's findings print, flattened for the cache. */
export function positionsOf(o: Pick<Outcome, 'findings' | 'waived'>, map: Locator): number[] {
  const out: number[] = [];
  for (const offset of offsets(o)) {
    const p = map.position(offset);
    out.push(offset, p.line, p.character);
  }
  return out;
}

/** Positions from the cache; an offset it lacks (none should) is located in the text after all. */
export class CachedPositions implements Locator {
  private readonly known = new Map<number, Position>();
  private full?: Locator;

  constructor(
    positions: number[],
    private readonly fallback: () => Locator,
  ) {
    for (let i = 0; i + 2 < positions.length; i += 3) {
      this.known.set(positions[i], { line: positions[i + 1], character: positions[i + 2] });
    }
  }

  position(offset: number): Position {
    return this.known.get(offset) ?? (this.full ??= this.fallback()).position(offset);
  }
}

export class LintCache {
  private changed = false;
  private readonly seen = new Set<string>();
  /** Why the cache was discarded (one line, for stderr), or undefined. */
  warning?: string;
  /** The largest offset of each entry, checked against the length of the file it describes. */
  private readonly maxOffsets = new Map<string, number>();

  private constructor(
    readonly file: string,
    private data: CacheData,
    /** The cache file's modification time (ns) when it was loaded: when it was last written. */
    private readonly writtenNs: bigint,
  ) {}

  /**
   * The cache at `file`, or an empty one when it is missing or for another version or
   * settings; also an empty one, with a `warning`, when it is not a regular file, is over
   * MAX_CACHE_BYTES, is not JSON or holds an entry that does not fit the schema.
   */
  static load(file: string, version: string, settings: string): LintCache {
    const fresh = (warning?: string) => {
      const c = new LintCache(file, { ddrCache: LAYOUT, version, settings, files: {} }, 0n);
      c.changed = true;
      c.warning = warning;
      return c;
    };
    let text: string;
    let writtenNs: bigint;
    try {
      // Stat first, then open without blocking: neither a device nor a FIFO is read.
      const opened = openRegular(file);
      if ('kind' in opened) {
        return fresh(`${opened.kind}, not a file`);
      }
      const { fd, st } = opened;
      try {
        if (st.size > BigInt(MAX_CACHE_BYTES)) {
          return fresh(`${st.size} bytes, over the limit of ${MAX_CACHE_BYTES}`);
        }
        writtenNs = st.mtimeNs;
        // Bounded even where the size lies (a file that grows, /proc's files of size 0).
        const raw = readAtMost(fd, MAX_CACHE_BYTES);
        if (raw === undefined) {
          return fresh(`over the limit of ${MAX_CACHE_BYTES} bytes`);
        }
        text = raw.toString('utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      // No cache yet (or one we may not read: the write then says so).
      const code = (e as NodeJS.ErrnoException).code;
      return fresh(code === 'ENOENT' || code === 'ENOTDIR' ? undefined : `not read: ${reason(e)}`);
    }
    if (!text.trim()) {
      // An empty file (made by `touch` or mktemp): no cache yet.
      return fresh();
    }
    let d: unknown;
    try {
      d = JSON.parse(text);
    } catch {
      return fresh('not valid JSON');
    }
    if (!isObject(d) || typeof d.ddrCache !== 'number') {
      return fresh('not a ddr cache');
    }
    if (d.ddrCache !== LAYOUT || d.version !== version || d.settings !== settings) {
      // Another layout, version of ddr or settings: expected, not worth a word.
      return fresh();
    }
    if (!isObject(d.files)) {
      return fresh('files is not an object');
    }
    const cache = new LintCache(file, d as unknown as CacheData, writtenNs);
    for (const abs of Object.keys(d.files)) {
      const checked = path.isAbsolute(abs) ? entryProblem(d.files[abs]) : { problem: 'not an absolute path' };
      if ('problem' in checked) {
        return fresh(`the entry of ${visible(abs)}: ${checked.problem}`);
      }
      cache.maxOffsets.set(abs, checked.maxOffset);
    }
    return cache;
  }

  /** Drops every entry, with a warning: the cache failed a check against a file it describes. */
  private discard(why: string): void {
    this.data = { ...this.data, files: {} };
    this.maxOffsets.clear();
    this.warning ??= why;
    this.changed = true;
  }

  /**
   * The entry of the file at `abs`, when the file (of `bytes` bytes) can hold every
   * offset it names: a UTF-16 offset is never greater than the UTF-8 bytes before it. An
   * entry that names an offset past the end discards the whole cache.
   */
  private entry(abs: string, bytes: number | bigint | undefined): Entry | undefined {
    if (!Object.prototype.hasOwnProperty.call(this.data.files, abs)) {
      return undefined;
    }
    if (bytes !== undefined && (this.maxOffsets.get(abs) ?? 0) > Number(bytes)) {
      this.discard(`the entry of ${visible(abs)} names offsets past the end of the file`);
      return undefined;
    }
    return this.data.files[abs];
  }

  /** Whether a file's stat alone may vouch for its bytes: last changed well before the cache was written. */
  private settled(st: fs.BigIntStats): boolean {
    const changed = st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs;
    return changed + RACY_NS < this.writtenNs;
  }

  /** The cached findings of the file at `abs` when stat says what it said when they were kept (and not racily). */
  getByStat(abs: string, st: fs.BigIntStats): Cached | undefined {
    const e = this.entry(abs, st.size);
    if (!e || e.stat === undefined || e.stat !== statKey(st) || !this.settled(st)) {
      return undefined;
    }
    this.seen.add(abs);
    return { outcome: { findings: e.findings, waived: e.waived, ruleErrors: [] }, positions: e.positions };
  }

  /**
   * The cached findings of the file at `abs` when its bytes still hash to `hash`. `st`, the
   * stat taken before its bytes were read (undefined: not to be trusted), is kept with
   * the entry, so that the next run need not read it. `bytes`: the file's length, which
   * every cached offset must fit in.
   */
  get(abs: string, hash: string, st?: fs.BigIntStats, bytes?: number): Cached | undefined {
    this.seen.add(abs);
    const e = this.entry(abs, bytes);
    if (!e || e.hash !== hash) {
      return undefined;
    }
    const key = st && statKey(st);
    if (e.stat !== key || (st && !this.settled(st))) {
      // A new stat, or one too recent to vouch yet: writing the cache again settles it.
      e.stat = key;
      this.changed = true;
    }
    return { outcome: { findings: e.findings, waived: e.waived, ruleErrors: [] }, positions: e.positions };
  }

  /**
   * Keeps an outcome and the positions of its findings (`map` locates them in the text); one
   * with rule errors is not kept, so that the next run tries again and says so again. `st`
   * as for `get`.
   */
  set(abs: string, hash: string, o: Outcome, map: Locator, st?: fs.BigIntStats): void {
    this.seen.add(abs);
    if (o.ruleErrors.length) {
      if (Object.prototype.hasOwnProperty.call(this.data.files, abs)) {
        delete this.data.files[abs];
        this.changed = true;
      }
      return;
    }
    this.data.files[abs] = { hash, ...(st ? { stat: statKey(st) } : {}), findings: o.findings, waived: o.waived, positions: positionsOf(o, map) };
    this.maxOffsets.delete(abs);
    this.changed = true;
  }

  /** Writes the cache if anything changed; returns a problem to report, or undefined. */
  save(): string | undefined {
    if (!this.changed) {
      return undefined;
    }
    // Entries of files that no longer exist would only grow the file.
    for (const abs of Object.keys(this.data.files)) {
      if (!this.seen.has(abs) && !fs.existsSync(abs)) {
        delete this.data.files[abs];
      }
    }
    // Checked again just before the write: the path may have become something else (a
    // device, a design) since the run began. Through a symlink, onto its target.
    const problem = locationProblem(this.file, path.dirname(this.file));
    if (problem) {
      return problem.replace(/^cannot use .*? as the cache: /, '');
    }
    let target = this.file;
    try {
      target = fs.realpathSync(this.file);
    } catch {
      // Not there yet.
    }
    try {
      // `--cache-location new/dir/`: writeWhole makes the folder on first use.
      writeWhole(target, JSON.stringify(this.data));
      this.changed = false;
      return undefined;
    } catch (e) {
      return reason(e);
    }
  }
}
