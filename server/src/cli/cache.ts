// `ddr lint --cache`: each file's findings, kept under its absolute path with a hash of its
// bytes, so that the next run only reads and hashes an unchanged file (ESLint's --cache).
// The positions of the findings are kept too, so that the text is not even decoded.
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

export const DEFAULT_CACHE_FILE = '.ddrcache';
/** The layout of the cache file; a file of another layout is ignored and rewritten. */
const LAYOUT = 1;

interface Entry {
  hash: string;
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
function sha1(data: Uint8Array | string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  crypto ??= require('node:crypto') as typeof import('node:crypto');
  const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array | string, encoding: 'base64') => string }).hash;
  return oneShot ? oneShot('sha1', data, 'base64') : crypto.createHash('sha1').update(data).digest('base64');
}

export function contentHash(raw: Uint8Array): string {
  return sha1(raw);
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

/** A hash of the effective settings: the defaults and what the command line changed. */
export function settingsKey(overrides: Partial<Settings>): string {
  return sha1(stableJson({ defaults: defaultSettings, overrides }));
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
  ) {}

  /** The cache at `file`, or an empty one when it is missing, unreadable, or for another version or settings. */
  static load(file: string, version: string, settings: string): LintCache {
    try {
      const d = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheData;
      if (d && d.ddrCache === LAYOUT && d.version === version && d.settings === settings && d.files && typeof d.files === 'object' && !Array.isArray(d.files)) {
        return new LintCache(file, d);
      }
    } catch {
      // No cache yet, or not one we can read: start again.
    }
    const fresh = new LintCache(file, { ddrCache: LAYOUT, version, settings, files: {} });
    fresh.changed = true;
    return fresh;
  }

  /** The cached findings of the file at `abs` when its bytes still hash to `hash`. */
  get(abs: string, hash: string): Cached | undefined {
    this.seen.add(abs);
    const e = Object.prototype.hasOwnProperty.call(this.data.files, abs) ? this.data.files[abs] : undefined;
    if (!isEntry(e) || e.hash !== hash) {
      return undefined;
    }
    return { outcome: { findings: e.findings, waived: e.waived, ruleErrors: [] }, positions: e.positions };
  }

  /**
   * Keeps an outcome and the positions of its findings (`map` locates them in the text); one
   * with rule errors is not kept, so that the next run tries again and says so again.
   */
  set(abs: string, hash: string, o: Outcome, map: Locator): void {
    this.seen.add(abs);
    if (o.ruleErrors.length) {
      if (Object.prototype.hasOwnProperty.call(this.data.files, abs)) {
        delete this.data.files[abs];
        this.changed = true;
      }
      return;
    }
    this.data.files[abs] = { hash, findings: o.findings, waived: o.waived, positions: positionsOf(o, map) };
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
    const dir = path.dirname(this.file);
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}-${Date.now().toString(36)}.tmp`);
    try {
      const json = JSON.stringify(this.data);
      try {
        fs.writeFileSync(tmp, json, { flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw e;
        }
        // `--cache-location new/dir/`: the folder is made on first use.
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(tmp, json, { flag: 'wx' });
      }
      fs.renameSync(tmp, this.file);
      this.changed = false;
      return undefined;
    } catch (e) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // Never created.
      }
      return reason(e);
    }
  }
}
