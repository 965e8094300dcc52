// What a command touches outside itself, passed in so that commands stay plain functions.
// `import = require` binds the module itself: `import * as` would copy its exports at every start.
import fs = require('node:fs');
import path = require('node:path');
import type { Rule } from '../engine/rule';
import { editDistance } from '../engine/text';
import { reason } from './files';

export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdoutIsTTY: boolean;
  version: string;
  stdout(s: string): void;
  stderr(s: string): void;
}

/**
 * Writes a file whole, so that no reader ever sees half of it: a temporary file beside it,
 * then a rename over it; the folder is made if it is missing. Throws what failed, with
 * the temporary file removed.
 */
export function writeWhole(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}-${Date.now().toString(36)}.tmp`);
  try {
    try {
      fs.writeFileSync(tmp, data, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw e;
      }
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(tmp, data, { flag: 'wx' });
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // Never created.
    }
    throw e;
  }
}

/** A temporary file's name beside `file`, in the same folder (so on the same file system). */
function tempBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.ddr-${process.pid}-${Date.now().toString(36)}.tmp`);
}

/** Writes all of `data` at `position` (writeSync may write less than asked). */
function writeAll(fd: number, data: Uint8Array, position = 0): void {
  let done = 0;
  while (done < data.length) {
    done += fs.writeSync(fd, data, done, data.length - done, position + done);
  }
}

/** A file's bytes, read from its descriptor from the start. */
function readAll(fd: number, size: number): Buffer {
  const out = Buffer.alloc(size + 1);
  let n = 0;
  for (let got; n < out.length && (got = fs.readSync(fd, out, n, out.length - n, n)) > 0; ) {
    n += got;
  }
  return out.subarray(0, n);
}

/**
 * Writes a temporary copy of `data` beside `file`, owned and moded as `st` says; returns
 * its path, or undefined when the owner or group cannot be given to it (a user may not
 * give a file away): renaming it over the file would then change who owns the file.
 * Throws what failed (no space, a folder it may not write), with the copy removed.
 */
function tempCopy(file: string, data: Uint8Array, st: fs.Stats): string | undefined {
  const tmp = tempBeside(file);
  let kept = true;
  try {
    fs.writeFileSync(tmp, data, { flag: 'wx', mode: 0o600 });
    const fd = fs.openSync(tmp, 'r+');
    try {
      // On disk before anything relies on it: a rename of unwritten blocks over the file
      // could leave it empty after a crash.
      fs.fsyncSync(fd);
      const own = fs.fstatSync(fd);
      if (own.uid !== st.uid || own.gid !== st.gid) {
        try {
          fs.fchownSync(fd, st.uid, st.gid);
        } catch {
          kept = false;
        }
      }
      // After fchown, which clears the set-id bits.
      fs.fchmodSync(fd, st.mode & 0o7777);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  if (!kept) {
    fs.rmSync(tmp, { force: true });
    return undefined;
  }
  return tmp;
}

/**
 * Writes the fixed text of a file that held `original` (through a symlink, onto its
 * target), as the user running ddr could write it with `echo > file`, and keeping what
 * the file is beyond its bytes:
 * - The file is opened for writing first: the system decides whether this user may write
 *   it (its mode, ACLs, a read-only mount, an immutable file), not ddr. A file the user
 *   may not write is "not fixed: permission denied", even where the folder would allow a
 *   rename over it. (Root may write a 0444 file, as its shell may.)
 * - With one link, and where the copy can be given the file's owner and group: a
 *   temporary copy (mode, owner and group of the file) renamed over it, so that no reader
 *   ever sees half of it.
 * - Otherwise (hard links, which a rename would split, or an owner the user may not give a
 *   file): a temporary copy first, which proves there is space for the new text, then
 *   the file written in place (same inode: links, owner, group, mode and extended
 *   attributes kept). Should the write still fail, the original bytes are written back:
 *   no half-written file is left.
 * Declines when the file changed on disk since it was read. Returns a problem, or undefined.
 */
export function writeFixed(abs: string, original: Uint8Array, data: string | Uint8Array): string | undefined {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let real: string;
  let fd: number;
  try {
    real = fs.realpathSync(abs);
    fd = fs.openSync(real, fs.constants.O_RDWR | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0));
  } catch (e) {
    return `not fixed: ${reason(e)}`;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      return 'not fixed: not a regular file';
    }
    if (!readAll(fd, st.size).equals(original)) {
      return 'not fixed: the file changed on disk while ddr was reading it';
    }
    let tmp: string | undefined;
    try {
      tmp = tempCopy(real, bytes, st);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') {
        // No space for the new text: the file is left as it is.
        return `not fixed: ${reason(e)}`;
      }
      // A folder this user may not write, with a file it may: in place, below.
    }
    if (tmp !== undefined && st.nlink === 1) {
      try {
        fs.renameSync(tmp, real);
        return undefined;
      } catch {
        // In place, below.
      }
    }
    if (tmp !== undefined) {
      // The copy proved the space; removed before the write, it leaves that space free.
      fs.rmSync(tmp, { force: true });
    }
    try {
      writeAll(fd, bytes);
      fs.ftruncateSync(fd, bytes.length);
      fs.fsyncSync(fd);
      return undefined;
    } catch (e) {
      try {
        writeAll(fd, original);
        fs.ftruncateSync(fd, original.length);
      } catch (again) {
        return `not fixed: ${reason(e)}, and writing its original text back failed too (${reason(again)}): check the file`;
      }
      return `not fixed: ${reason(e)}`;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The package's version, from the package.json above the compiled file. */
export function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const p = path.join(dir, 'package.json');
    // Checked first: a failed read costs an exception, on every run of every command.
    if (!fs.existsSync(p)) {
      dir = path.dirname(dir);
      continue;
    }
    try {
      const text = fs.readFileSync(p, 'utf8');
      // package.json holds the whole extension manifest (~30 KB): its two top-level keys
      // are read where npm writes them (two spaces in) rather than by parsing all of it,
      // which every run of every command would pay; any other layout is parsed.
      const top = (key: string) => new RegExp(`^  "${key}": "([^"\\\\]+)",?$`, 'm').exec(text)?.[1];
      const name = top('name');
      const version = top('version');
      const pkg = name && version ? { name, version } : (JSON.parse(text) as { name?: string; version?: string });
      if (pkg.name === 'distributed-design-review' && pkg.version) {
        return pkg.version;
      }
    } catch {
      // Not here; look further up.
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

/** The rule whose id or name is nearest to a mistyped one (always one, for "did you mean"). */
export function nearestRule(word: string): Rule | undefined {
  // Loaded here, not above: `ddr lint` reads this module without needing the registry.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RULES } = require('../engine/registry') as typeof import('../engine/registry');
  const w = word.toLowerCase();
  let best: Rule | undefined;
  let bestD = Infinity;
  for (const r of RULES) {
    const d = Math.min(editDistance(w, r.id.toLowerCase()), editDistance(w, r.name));
    if (d < bestD) {
      bestD = d;
      best = r;
    }
  }
  return best;
}
