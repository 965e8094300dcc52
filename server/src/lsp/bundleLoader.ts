// Loads the server's bundle (scripts/bundle.js) with a V8 code cache: the bytecode of the
// functions the first analysis compiled, kept beside the bundle. A spawn spends much of its
// time compiling: the bundle's 1.2 MB parsed at load, then every function the first
// analysis calls compiled on its first call. With the cache, spawn → first diagnostics of a
// 1k-line design took 81–87% of the time (two alternating runs of 15 here).
//
// The cache is made by the server itself, once, half a second after its first work
// (server.ts calls `save`): by then it holds what the start-up and a first analysis
// compiled. V8 rejects a cache made by another V8 or under other flags, or a corrupt
// one: the server then compiles as without one, and writes a new one. But V8 compares
// the source only by its length, so the file's name carries the bundle's build (size and
// modification time), and a hash of the Node version and flags, so that two editors
// starting the server with different flags do not overwrite each other's. Written whole
// (io.ts, writeWhole), never read half-written. Where the bundle's folder cannot be
// written (a package installed globally by root, or read-only), the cache is kept in the
// user's cache folder instead ($XDG_CACHE_HOME or ~/.cache, then ddr/<a hash of the
// bundle's folder>); a cache that cannot be written anywhere means no cache and one line
// in the server's log, nothing else.
//
// DDR_CODE_CACHE: a folder to keep it in instead of the bundle's, or `off`. Without a
// cache (off, or with --enable-source-maps, which needs Node's own loader) the bundle
// is required as any module.
import fs = require('node:fs');
import Module = require('node:module');
import os = require('node:os');
import path = require('node:path');
import vm = require('node:vm');
import { writeWhole } from '../cli/io';

export type CodeCacheStatus = 'used' | 'rejected' | 'none' | 'off';

export interface CodeCache {
  /** How this start went: a cache accepted, one rejected, none there, or caching off. */
  readonly status: CodeCacheStatus;
  /** Where the cache is (or would be) kept; undefined when off. */
  readonly file?: string;
  /** Writes the cache unless this start used one; returns a problem to log, or undefined. */
  save(): string | undefined;
}

/** A short hash of a string (FNV-1a, 32 bits), for the cache file's name: node:crypto takes ~4 ms to load. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The cache file of a bundle, as built (its size and modification time), for this Node
 * and these flags: `server.bundle.<build>.<node and flags>.cache`. V8 checks a cache
 * against the source's length, not its text: a rebuilt bundle of the same length would
 * be run with the old one's bytecode. So the build is in the name.
 */
export function cacheFileOf(bundle: string, dir = path.dirname(bundle)): string {
  const st = fs.statSync(bundle, { bigint: true });
  const build = fnv1a(`${st.size} ${st.mtimeNs}`);
  const node = fnv1a(`${process.version} ${process.arch} ${process.execArgv.join(' ')}`);
  return path.join(dir, `${path.basename(bundle, '.js')}.${build}.${node}.cache`);
}

/**
 * The folder to keep a bundle's cache in: the bundle's own, or, when that cannot be
 * written, one of the user's cache folder for this installed bundle.
 */
export function cacheDirOf(bundle: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = path.dirname(bundle);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return dir;
  } catch {
    const xdg = env.XDG_CACHE_HOME;
    const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache');
    return path.join(base, 'ddr', fnv1a(dir));
  }
}

/** Caches of other builds of the same bundle beside `file` (`<base>.<build>.<node>.cache`): left by a rebuild, never valid again. */
function otherBuilds(file: string): string[] {
  const parts = path.basename(file).split('.');
  const base = parts.slice(0, -3).join('.');
  const build = parts[parts.length - 3];
  try {
    return fs
      .readdirSync(path.dirname(file))
      .filter((f) => {
        const p = f.split('.');
        return p.length === parts.length && p[p.length - 1] === 'cache' && p.slice(0, -3).join('.') === base && p[p.length - 3] !== build;
      })
      .map((f) => path.join(path.dirname(file), f));
  } catch {
    return [];
  }
}

/** Loads `bundle` (a CommonJS file) with its code cache; returns its exports and the cache. */
export function loadBundle<T>(bundle: string, env: NodeJS.ProcessEnv = process.env): { exports: T; cache: CodeCache } {
  const setting = env.DDR_CODE_CACHE;
  const sourceMaps = process.execArgv.some((a) => a.startsWith('--enable-source-maps')) || !!(process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled;
  if (setting === 'off' || sourceMaps) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { exports: require(bundle) as T, cache: { status: 'off', save: () => undefined } };
  }
  const file = cacheFileOf(bundle, setting || cacheDirOf(bundle, env));
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    // None yet.
  }
  const source = fs.readFileSync(bundle, 'utf8');
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const status: CodeCacheStatus = cachedData ? (script.cachedDataRejected ? 'rejected' : 'used') : 'none';
  const m = new Module(bundle);
  m.filename = bundle;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(bundle));
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(m.exports, m.exports, Module.createRequire(bundle), m, bundle, path.dirname(bundle));
  m.loaded = true;
  let saved = status === 'used';
  return {
    exports: m.exports as T,
    cache: {
      status,
      file,
      save() {
        if (saved) {
          return undefined;
        }
        saved = true;
        try {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          writeWhole(file, script.createCachedData());
          for (const old of otherBuilds(file)) {
            fs.rmSync(old, { force: true });
          }
          return undefined;
        } catch (e) {
          return String((e as Error)?.message ?? e);
        }
      },
    },
  };
}
