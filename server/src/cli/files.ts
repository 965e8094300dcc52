// Which files `ddr lint` reads: files, folders (walked for design files) and globs
// (`*`, `**`, `?`, matched over a directory walk). No dependency: the walk is small and
// its rules are the ones users expect from ESLint and ruff.
// `import = require` binds the module itself: `import * as` would copy its exports at every start.
import fs = require('node:fs');
import path = require('node:path');

export const DESIGN_FILE = /\.design\.ya?ml$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

export interface Resolved {
  /** Absolute paths, sorted, without duplicates. */
  files: string[];
  /** One line each: a path that names nothing, a folder that cannot be read. */
  problems: string[];
}

export function hasGlob(p: string): boolean {
  return /[*?]/.test(p);
}

export interface ResolveOptions {
  /**
   * A path that yields no design file (a missing path, a folder without designs, a glob
   * that matches nothing) is a problem, as in ESLint; `--no-error-on-unmatched-pattern`
   * turns it off and such paths are skipped.
   */
  errorOnUnmatchedPattern?: boolean;
}

/** What a path that yields no design file is called. */
export function unmatched(arg: string, why?: string): string {
  return `no design files found in \`${arg}\`${why ? ` (${why})` : ''}`;
}

/**
 * Resolves the paths given on the command line. A file is read whatever its name (the
 * user named it); a folder yields the design files under it; a glob yields the files it
 * matches — the design files among them, or every match when the glob itself ends in
 * `.yaml`/`.yml`. A folder matched by a glob is walked like a folder.
 */
export function resolvePaths(args: string[], cwd: string, options: ResolveOptions = {}): Resolved {
  const errorOnUnmatched = options.errorOnUnmatchedPattern ?? true;
  const found = new Set<string>();
  // Files reached through a symbolic link (or named, or globbed): the same file may be
  // reached by another path too, and is linted (and fixed) once.
  const linked = new Set<string>();
  const problems: string[] = [];
  const inputs = args.length ? args : ['.'];
  for (const arg of inputs) {
    if (hasGlob(arg)) {
      const matched = glob(arg, cwd, problems);
      for (const m of matched) {
        found.add(m);
        linked.add(m);
      }
      if (!matched.length && errorOnUnmatched) {
        problems.push(unmatched(arg));
      }
      continue;
    }
    const abs = path.resolve(cwd, arg);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException)?.code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        problems.push(`${arg}: ${reason(e)}`);
      } else if (isLink(abs)) {
        // A dangling link is a file the user named: reading it fails visibly.
        found.add(abs);
        linked.add(abs);
      } else if (errorOnUnmatched) {
        problems.push(unmatched(arg, reason(e)));
      }
      continue;
    }
    if (st.isDirectory()) {
      let designs = 0;
      const before = problems.length;
      walk(
        abs,
        (f, viaLink) => {
          if (DESIGN_FILE.test(f)) {
            designs++;
            found.add(f);
            if (viaLink) {
              linked.add(f);
            }
          }
        },
        problems,
        cwd,
      );
      // A folder that could not be read has said so already.
      if (!designs && problems.length === before && errorOnUnmatched) {
        problems.push(unmatched(arg));
      }
    } else {
      found.add(abs);
      linked.add(abs);
    }
  }
  return { files: onePathPerFile(found, linked), problems };
}

function isLink(abs: string): boolean {
  try {
    return fs.lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * One path per file: a file reached by two paths (a symlinked folder looping back, a link
 * beside its target) was linted twice, and --fix wrote it twice. Only paths through a link
 * need their real path; a direct path wins, else the shortest.
 */
function onePathPerFile(found: Set<string>, linked: Set<string>): string[] {
  if (!linked.size) {
    return [...found].sort();
  }
  const byReal = new Map<string, string>();
  const order = [...found].sort((a, b) => Number(linked.has(a)) - Number(linked.has(b)) || a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  for (const f of order) {
    let real = f;
    if (linked.has(f)) {
      try {
        real = fs.realpathSync.native(f);
      } catch {
        // A dangling link: it stays, and reading it fails visibly.
      }
    }
    if (!byReal.has(real)) {
      byReal.set(real, f);
    }
  }
  return [...byReal.values()].sort();
}

/** A short, stack-free reason for a failed file operation. */
export function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ENOTFILE':
      return 'not a regular file';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'ETOOBIG':
      return String((e as Error).message);
    case 'ERR_FS_FILE_TOO_LARGE':
      return 'too large to read (over 2 GB)';
    default: {
      // Node's own words without the code and the system call: `EBUSY: resource busy or locked, open 'x'`.
      const m = /^[A-Z][A-Z_]+: ([^,]+)/.exec(String((e as Error)?.message ?? ''));
      return m ? m[1] : code ? code.toLowerCase() : String((e as Error)?.message ?? e);
    }
  }
}

/**
 * Walks a folder depth-first, calling `onFile` for every file (symlinked files included;
 * a dangling symlink is reported as a file, so that reading it fails visibly). Symlinked
 * folders are followed once: a folder whose real path was already visited is skipped, so
 * a link to an ancestor ends the walk instead of looping.
 */
export function walk(
  root: string,
  onFile: (abs: string, viaLink: boolean) => unknown,
  problems: string[],
  cwd: string,
  seen = new Set<string>(),
  viaLink = false,
): void {
  let real: string;
  try {
    // The system's realpath: one call, where the JavaScript one stats every component.
    real = fs.realpathSync.native(root);
  } catch (e) {
    problems.push(`${display(root, cwd)}: ${reason(e)}`);
    return;
  }
  // Whether the paths below pass through a symbolic link (onFile is told, for duplicates).
  const linked = viaLink || real !== root;
  if (seen.has(real)) {
    return;
  }
  seen.add(real);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch (e) {
    problems.push(`${display(root, cwd)}: ${reason(e)}`);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const ent of entries) {
    const abs = child(root, ent.name);
    if (ent.isDirectory()) {
      if (!SKIPPED_DIRS.has(ent.name)) {
        walk(abs, onFile, problems, cwd, seen, linked);
      }
    } else if (ent.isSymbolicLink()) {
      let st: fs.Stats | undefined;
      try {
        st = fs.statSync(abs);
      } catch {
        st = undefined;
      }
      if (st?.isDirectory()) {
        if (!SKIPPED_DIRS.has(ent.name)) {
          walk(abs, onFile, problems, cwd, seen, true);
        }
      } else {
        onFile(abs, true);
      }
    } else if (ent.isFile()) {
      onFile(abs, linked);
    }
  }
}

/** Converts a glob to a regular expression over `/`-separated relative paths. */
export function globToRegExp(pattern: string): RegExp {
  const segs = pattern.split('/');
  let re = '';
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (seg === '**') {
      // Zero or more whole segments, none of them hidden.
      re += last ? '(?:(?!\\.)[^/]*(?:/(?!\\.)[^/]*)*)?' : '(?:(?!\\.)[^/]*/)*';
      return;
    }
    let s = '';
    for (let j = 0; j < seg.length; j++) {
      const c = seg[j];
      if (c === '*') {
        s += '[^/]*';
      } else if (c === '?') {
        s += '[^/]';
      } else {
        s += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
    }
    // Like a shell, a wildcard does not match a leading dot.
    if (!seg.startsWith('.') && /^[*?]/.test(seg)) {
      s = '(?!\\.)' + s;
    }
    re += s + (last ? '' : '/');
  });
  return new RegExp('^' + re + '$');
}

/** Matches a glob against a walk of its static base folder. */
export function glob(pattern: string, cwd: string, problems: string[]): string[] {
  const posix = pattern.replace(/\\/g, '/');
  const absolute = posix.startsWith('/');
  const segs = posix.split('/').filter((s, i) => s !== '' || i === 0);
  const baseSegs: string[] = [];
  while (segs.length > 1 && !hasGlob(segs[0])) {
    baseSegs.push(segs.shift()!);
  }
  const base = absolute ? path.resolve('/', ...baseSegs) : path.resolve(cwd, ...baseSegs.filter((s) => s !== '.'));
  const re = globToRegExp(segs.filter((s) => s !== '').join('/'));
  const yamlOnly = !/\.ya?ml$/.test(posix);
  const out: string[] = [];
  const consider = (abs: string, isDir: boolean) => {
    const rel = path.relative(base, abs).split(path.sep).join('/');
    if (!re.test(rel)) {
      return false;
    }
    if (isDir) {
      walk(abs, (f) => DESIGN_FILE.test(f) && out.push(f), problems, cwd);
    } else if (!yamlOnly || DESIGN_FILE.test(abs)) {
      out.push(abs);
    }
    return true;
  };
  if (!fs.existsSync(base)) {
    return out;
  }
  // Walk every entry below the base (folders too, since a glob may name a folder).
  const seen = new Set<string>();
  const visit = (dir: string): void => {
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch {
      return;
    }
    if (seen.has(real)) {
      return;
    }
    seen.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problems.push(`${display(dir, cwd)}: ${reason(e)}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      const abs = child(dir, ent.name);
      let isDir = ent.isDirectory();
      if (ent.isSymbolicLink()) {
        try {
          isDir = fs.statSync(abs).isDirectory();
        } catch {
          isDir = false;
        }
      }
      if (isDir && SKIPPED_DIRS.has(ent.name)) {
        continue;
      }
      if (!consider(abs, isDir) && isDir) {
        visit(abs);
      }
    }
  };
  visit(base);
  return [...new Set(out)];
}

/**
 * A folder's entry. `dir` is already absolute and normalised and `name` holds no separator,
 * so this is path.join without its normalisation, which cost more than the rest of the walk.
 */
function child(dir: string, name: string): string {
  return dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
}

/** A path as the CLI prints it: relative to cwd, with `/`. */
export function display(abs: string, cwd: string): string {
  // A file under cwd, the common case, without path.relative's two path.resolve calls.
  const base = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  const rel = abs.startsWith(base) && abs.length > base.length ? abs.slice(base.length) : path.relative(cwd, abs) || path.basename(abs);
  return path.sep === '/' ? rel : rel.split(path.sep).join('/');
}
