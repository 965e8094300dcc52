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
// This module loads neither the engine nor `yaml`: a run served from the cache parses nothing.
// `import = require` binds the module itself: `import * as` would copy its exports at every start.
import fs = require('node:fs');
import path = require('node:path');
import { defaultSettings, Settings } from '../engine/rule';
import type { Position } from '../engine/types';
import type { Outcome } from './analyseFile';
import { reason } from './files';
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

function isEntry(e: unknown): e is Entry {
  const x = e as Entry;
  return !!x && typeof x.hash === 'string' && Array.isArray(x.findings) && Array.isArray(x.waived) && Array.isArray(x.positions);
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

  private constructor(
    readonly file: string,
    private readonly data: CacheData,
    /** The cache file's modification time (ns) when it was loaded: when it was last written. */
    private readonly writtenNs: bigint,
  ) {}

  /** The cache at `file`, or an empty one when it is missing, unreadable, or for another version or settings. */
  static load(file: string, version: string, settings: string): LintCache {
    try {
      const fd = fs.openSync(file, 'r');
      let d: CacheData;
      let writtenNs: bigint;
      try {
        writtenNs = fs.fstatSync(fd, { bigint: true }).mtimeNs;
        d = JSON.parse(fs.readFileSync(fd, 'utf8')) as CacheData;
      } finally {
        fs.closeSync(fd);
      }
      if (d && d.ddrCache === LAYOUT && d.version === version && d.settings === settings && d.files && typeof d.files === 'object' && !Array.isArray(d.files)) {
        return new LintCache(file, d, writtenNs);
      }
    } catch {
      // No cache yet, or not one we can read: start again.
    }
    const fresh = new LintCache(file, { ddrCache: LAYOUT, version, settings, files: {} }, 0n);
    fresh.changed = true;
    return fresh;
  }

  private entry(abs: string): Entry | undefined {
    const e = Object.prototype.hasOwnProperty.call(this.data.files, abs) ? this.data.files[abs] : undefined;
    return isEntry(e) ? e : undefined;
  }

  /** Whether a file's stat alone may vouch for its bytes: last changed well before the cache was written. */
  private settled(st: fs.BigIntStats): boolean {
    const changed = st.mtimeNs > st.ctimeNs ? st.mtimeNs : st.ctimeNs;
    return changed + RACY_NS < this.writtenNs;
  }

  /** The cached findings of the file at `abs` when stat says what it said when they were kept (and not racily). */
  getByStat(abs: string, st: fs.BigIntStats): Cached | undefined {
    const e = this.entry(abs);
    if (!e || e.stat === undefined || e.stat !== statKey(st) || !this.settled(st)) {
      return undefined;
    }
    this.seen.add(abs);
    return { outcome: { findings: e.findings, waived: e.waived, ruleErrors: [] }, positions: e.positions };
  }

  /**
   * The cached findings of the file at `abs` when its bytes still hash to `hash`. `st`, the
   * stat taken before its bytes were read (undefined: not to be trusted), is kept with
   * the entry, so that the next run need not read it.
   */
  get(abs: string, hash: string, st?: fs.BigIntStats): Cached | undefined {
    this.seen.add(abs);
    const e = this.entry(abs);
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
    try {
      // `--cache-location new/dir/`: writeWhole makes the folder on first use.
      writeWhole(this.file, JSON.stringify(this.data));
      this.changed = false;
      return undefined;
    } catch (e) {
      return reason(e);
    }
  }
}
