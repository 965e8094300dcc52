// Every *.design.yaml / *.design.yml under the workspace folders, read from disk, so that
// the checklist and the Problems panel cover designs that are not open. Re-read on
// workspace/didChangeWatchedFiles; folders follow workspace/didChangeWorkspaceFolders.
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

export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
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
    documents.readFile = (uri) => readText(uri);
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

  folderOf(uri: string): string | undefined {
    return this.folders.filter((f) => uri.startsWith(f.endsWith('/') ? f : f + '/')).sort((a, b) => b.length - a.length)[0];
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
      const text = await readText(uri);
      if (text !== undefined && !this.documents.isOpen(uri)) {
        await this.documents.updateClosed(uri, text);
      }
      await new Promise((r) => setImmediate(r));
    }
  }

  async filesChanged(changes: FileEvent[]): Promise<void> {
    for (const c of changes) {
      if (!DESIGN_FILE.test(c.uri) || uriToPath(c.uri) === undefined) {
        continue;
      }
      if (c.type === FileChangeType.Deleted) {
        this.known.delete(c.uri);
        this.documents.removeClosed(c.uri);
        continue;
      }
      if (this.folders.length && !this.inFolders(c.uri)) {
        continue;
      }
      this.known.add(c.uri);
      if (this.documents.isOpen(c.uri)) {
        continue; // the editor's text wins over the disk's
      }
      const text = await readText(c.uri);
      if (text === undefined) {
        this.known.delete(c.uri);
        this.documents.removeClosed(c.uri);
      } else {
        await this.documents.updateClosed(c.uri, text);
      }
    }
  }
}

async function readText(uri: string): Promise<string | undefined> {
  const p = uriToPath(uri);
  if (!p) {
    return undefined;
  }
  try {
    return await fs.promises.readFile(p, 'utf8');
  } catch {
    return undefined;
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
