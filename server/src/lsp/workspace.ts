// Every *.design.yaml / *.design.yml under the workspace folders, read from disk, so that
// the checklist and the Problems panel cover designs that are not open. Re-read on
// workspace/didChangeWatchedFiles; folders follow workspace/didChangeWorkspaceFolders.
//
// What the server reads from disk (docs/security.md): only a regular file, named
// *.design.yaml/.yml, whose path — `.`/`..` resolved, percent-encoded or not, and its
// symlinks followed (realpath) — lies inside a workspace folder (whose own realpath
// counts too), and at most 3 bytes per character of limits.maxFileSize. The type is
// checked before the file is opened (stat), the file is opened without blocking
// (O_NONBLOCK: a FIFO swapped in between does not wait for a writer) and checked again
// on its descriptor: a FIFO or a device in the workspace never holds a thread of the
// pool, so the reads of other files go on. A URI naming a file another way than by its
// plain path (dot segments) is replaced by the plain path's URI.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileChangeType, FileEvent } from 'vscode-languageserver/node';
import type { Documents } from './documents';

export const DESIGN_FILE = /\.design\.ya?ml$/;
const SKIP_DIRS = new Set(['node_modules', '.git', 'out', 'dist', '.cache', '.run', 'bench-results', 'test-artifacts']);
/** Bounds on what a scan reads, so that a huge folder (a home directory) stays cheap. */
const MAX_FILES = 5000;
const MAX_ENTRIES = 50_000;
/**
 * What one read may take whatever limits.maxFileSize says (a workspace's settings are the
 * workspace's to choose): V8's longest string is ~512 M characters.
 */
const MAX_READ_BYTES = 256 * 1024 * 1024;

/**
 * The absolute path a `file:` URI names, or undefined. `.` and `..` segments are resolved
 * (also written `%2e`, and after a backslash, which a file URL reads as `/`); an encoded
 * `/` or a host is refused by fileURLToPath.
 */
export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? path.resolve(fileURLToPath(uri)) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The URI the server keys a file by: as the client wrote it, unless its path has `.` or
 * `..` segments (percent-encoded or not, `/` or `\` separated): then its plain path's URI,
 * so that one file has one key whatever way an event names it.
 */
export function normalUri(uri: string): string | undefined {
  const p = uriToPath(uri);
  if (p === undefined) {
    return undefined;
  }
  const segments = uri.slice(uri.indexOf(':') + 1).split(/[\\/]/);
  return segments.some((s) => /^(?:\.|%2e){1,2}$/i.test(s)) ? pathToUri(p) : uri;
}

/** Whether `p` is `dir` or lies under it (both absolute and resolved). */
function within(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).toString();
}

export class Workspace {
  private folders: string[] = [];
  private readonly known = new Set<string>();

  constructor(
    private readonly documents: Documents,
    private readonly log: { error(m: string): void; info(m: string): void },
  ) {
    documents.scopeOf = (uri) => this.folderOf(uri) ?? uri;
    documents.isWorkspaceDesign = (uri) => this.known.has(uri) || (this.inFolders(uri) && DESIGN_FILE.test(uri));
    documents.readFile = (uri) => this.read(uri);
  }

  setFolders(uris: string[]): void {
    this.folders = uris.filter((u) => uriToPath(u) !== undefined);
  }

  addFolders(uris: string[]): Promise<void> {
    for (const u of uris) {
      if (!this.folders.includes(u) && uriToPath(u) !== undefined) {
        this.folders.push(u);
      }
    }
    return this.scan(uris);
  }

  removeFolders(uris: string[]): void {
    this.folders = this.folders.filter((f) => !uris.includes(f));
    for (const uri of [...this.known]) {
      if (!this.inFolders(uri)) {
        this.known.delete(uri);
        this.documents.removeClosed(uri);
      }
    }
  }

  /** The innermost workspace folder holding the file `uri` names (paths compared, `..` resolved). */
  folderOf(uri: string): string | undefined {
    const p = uriToPath(uri);
    if (p === undefined) {
      return undefined;
    }
    let best: { uri: string; length: number } | undefined;
    for (const f of this.folders) {
      const dir = uriToPath(f);
      if (dir !== undefined && p !== dir && within(p, dir) && (!best || dir.length > best.length)) {
        best = { uri: f, length: dir.length };
      }
    }
    return best?.uri;
  }

  /**
   * The text of a workspace design on disk, or undefined (and a line in the log) when it
   * is not one the server reads: outside every folder (also through a symlink), not a
   * regular file, or over the size limit. See the top of this file.
   */
  private async read(uri: string): Promise<string | undefined> {
    const p = uriToPath(uri);
    if (p === undefined || !DESIGN_FILE.test(p) || !this.inFolders(uri)) {
      return undefined;
    }
    let real: string;
    try {
      real = await fs.promises.realpath(p);
    } catch {
      return undefined; // gone
    }
    if (real !== p && !(await this.realInFolders(real))) {
      this.log.info(`not read: ${p}: it leads outside the workspace folders (to ${real})`);
      return undefined;
    }
    const maxChars = await this.documents.maxFileSizeOf(uri);
    const r = await readRegularFile(real, Math.min(3 * maxChars, MAX_READ_BYTES));
    if ('problem' in r) {
      if (r.problem) {
        this.log.info(`not read: ${p}: ${r.problem === 'too large' ? `over 3 bytes per character of the ${maxChars}-character limit (setting limits.maxFileSize)` : r.problem}`);
      }
      return undefined;
    }
    return r.text;
  }

  private async realInFolders(real: string): Promise<boolean> {
    for (const f of this.folders) {
      const dir = uriToPath(f);
      const realDir = dir === undefined ? undefined : await fs.promises.realpath(dir).catch(() => undefined);
      if (realDir !== undefined && within(real, realDir)) {
        return true;
      }
    }
    return false;
  }

  private inFolders(uri: string): boolean {
    return this.folderOf(uri) !== undefined;
  }

  /** Reads and analyses every design under the folders, one file at a time so that requests keep being answered. */
  async scan(folderUris: string[] = this.folders): Promise<void> {
    const files: string[] = [];
    const budget = { entries: MAX_ENTRIES };
    for (const f of folderUris) {
      const root = uriToPath(f);
      if (root) {
        await collect(root, files, 0, budget);
      }
    }
    if (budget.entries <= 0) {
      this.log.info(`the workspace folders hold more than ${MAX_ENTRIES} files: designs past them are reviewed when opened`);
    }
    if (files.length >= MAX_FILES) {
      this.log.info(`more than ${MAX_FILES} design files under the workspace folders: only the first ${MAX_FILES} are reviewed until opened`);
    }
    for (const file of files.slice(0, MAX_FILES)) {
      const uri = pathToUri(file);
      this.known.add(uri);
      if (this.documents.isOpen(uri)) {
        continue;
      }
      const text = await this.read(uri);
      if (text !== undefined && !this.documents.isOpen(uri)) {
        await this.documents.updateClosed(uri, text);
      }
      await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * Follows the client's file events. Only files inside a workspace folder count (none
   * without folders: the server then reviews the open documents only).
   */
  async filesChanged(changes: FileEvent[]): Promise<void> {
    for (const c of changes) {
      const uri = normalUri(c.uri);
      if (uri === undefined || !DESIGN_FILE.test(uriToPath(uri)!)) {
        continue;
      }
      if (c.type === FileChangeType.Deleted) {
        this.known.delete(uri);
        this.documents.removeClosed(uri);
        continue;
      }
      if (!this.inFolders(uri)) {
        continue;
      }
      this.known.add(uri);
      if (this.documents.isOpen(uri)) {
        continue; // the editor's text wins over the disk's
      }
      const text = await this.read(uri);
      if (text === undefined) {
        this.known.delete(uri);
        this.documents.removeClosed(uri);
      } else {
        await this.documents.updateClosed(uri, text);
      }
    }
  }
}

const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/**
 * A regular file's text, read with at most `maxBytes` bytes, or why not (`problem: ''`
 * when it is gone, which needs no word in the log). Never opens what is not a regular
 * file, and never waits on one.
 */
export async function readRegularFile(p: string, maxBytes: number): Promise<{ text: string } | { problem: string }> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    const st = await fs.promises.stat(p);
    if (!st.isFile()) {
      return { problem: 'not a regular file' };
    }
    if (st.size > maxBytes) {
      return { problem: 'too large' };
    }
    fh = await fs.promises.open(p, fs.constants.O_RDONLY | O_NONBLOCK);
    const st2 = await fh.stat();
    if (!st2.isFile()) {
      return { problem: 'not a regular file' };
    }
    // At most maxBytes + 1: a file that grows while it is read is over the limit, not read on.
    let buf = Buffer.alloc(Math.min(st2.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > maxBytes) {
          return { problem: 'too large' };
        }
        const bigger = Buffer.alloc(Math.min(2 * n, maxBytes + 1));
        buf.copy(bigger);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) {
        break;
      }
      n += bytesRead;
    }
    return { text: buf.subarray(0, n).toString('utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    return { problem: code === 'ENOENT' || code === 'ENOTDIR' ? '' : String((e as Error)?.message ?? e) };
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

async function collect(dir: string, out: string[], depth: number, budget: { entries: number }): Promise<void> {
  if (depth > 20 || out.length >= MAX_FILES || budget.entries <= 0) {
    return;
  }
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  budget.entries -= entries.length;
  for (const e of entries) {
    if (out.length >= MAX_FILES || budget.entries <= 0) {
      return;
    }
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) {
        await collect(full, out, depth + 1, budget);
      }
    } else if (e.isFile() && DESIGN_FILE.test(e.name)) {
      out.push(full);
    }
  }
}
