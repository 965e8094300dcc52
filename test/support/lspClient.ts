// A small LSP client for tests and the benchmark: it starts the real server process
// (`node bin/ddr.js lsp --stdio`), talks to it over stdio with vscode-languageserver-protocol,
// and behaves like an editor: it keeps the text of the documents it opened, sends
// incremental changes, answers workspace/configuration, and applies workspace/applyEdit
// only when the edit's version matches its own.
import { ChildProcess, spawn } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../../server/src/lsp/nodeFlags';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ApplyWorkspaceEditParams,
  ClientCapabilities,
  createProtocolConnection,
  Diagnostic,
  InitializeResult,
  LogMessageParams,
  Position,
  ProtocolConnection,
  PublishDiagnosticsParams,
  ShowDocumentParams,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentContentChangeEvent,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface StartOptions {
  /** The answer to workspace/configuration for section `ddr` (undefined: `{}`). */
  settings?: unknown;
  /** Extra environment variables for the server process (e.g. DDR_TEST_THROWING_RULE=1). */
  env?: Record<string, string>;
  /** The `processId` sent in `initialize` (default: this process). */
  processId?: number | null;
  workspaceFolders?: string[];
  /** Replaces parts of the default client capabilities. */
  capabilities?: ClientCapabilities;
  /** Omit `workspace.configuration` (a client that pushes settings). */
  noConfigurationCapability?: boolean;
}

export const DEFAULT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    applyEdit: true,
    workspaceEdit: { documentChanges: true },
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceFolders: true,
  },
  window: { showDocument: { support: true } },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true, dataSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { snippetSupport: false, documentationFormat: ['markdown'] } },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      resolveSupport: { properties: ['edit'] },
      isPreferredSupport: true,
      dataSupport: true,
    },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    rename: { prepareSupport: true },
  },
};

export function uriOf(p: string): string {
  return pathToFileURL(p).toString();
}

/**
 * The server's command line (after `node`): the CLI's bin when it is there, else the
 * server module directly; with the Node flags the VS Code client starts it with.
 */
export function serverCommand(): string[] {
  const bin = path.join(REPO_ROOT, 'bin', 'ddr.js');
  const cli = path.join(REPO_ROOT, 'out', 'server', 'src', 'cli', 'main.js');
  if (fs.existsSync(bin) && fs.existsSync(cli)) {
    return [...SERVER_NODE_FLAGS, bin, 'lsp', '--stdio'];
  }
  return [...SERVER_NODE_FLAGS, '-e', "require('./out/server/src/lsp/server').startServer(['--stdio'])"];
}

interface Waiter {
  test: () => boolean;
  resolve: () => void;
}

export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  readonly docs = new Map<string, TextDocument>();
  readonly logs: LogMessageParams[] = [];
  readonly showDocuments: ShowDocumentParams[] = [];
  readonly applied: Array<{ params: ApplyWorkspaceEditParams; applied: boolean; failureReason?: string }> = [];
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly registrations: unknown[] = [];
  initializeResult?: InitializeResult;
  settings: unknown = {};
  /** While set, answers to workspace/configuration wait for it (a slow client). */
  configurationGate?: Promise<void>;
  /** How many workspace/configuration requests the server sent. */
  configurationRequests = 0;
  stderr = '';
  private waiters: Waiter[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly conn: ProtocolConnection,
  ) {}

  static async start(options: StartOptions = {}): Promise<LspClient> {
    const child = spawn(process.execPath, serverCommand(), { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...(options.env ?? {}) } });
    const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const c = new LspClient(child, conn);
    c.settings = options.settings === undefined ? {} : options.settings;
    child.stderr!.on('data', (d) => (c.stderr += String(d)));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const list = c.diagnostics.get(p.uri) ?? [];
      list.push(p);
      c.diagnostics.set(p.uri, list);
      c.wake();
    });
    conn.onNotification('window/logMessage', (p: LogMessageParams) => {
      c.logs.push(p);
      c.wake();
    });
    conn.onUnhandledNotification((n) => {
      c.notifications.push({ method: n.method, params: n.params });
      c.wake();
    });
    conn.onRequest('workspace/configuration', async (p: { items: Array<{ section?: string }> }) => {
      c.configurationRequests++;
      c.wake();
      await c.configurationGate;
      return p.items.map(() => c.settings);
    });
    conn.onRequest('client/registerCapability', (p: unknown) => {
      c.registrations.push(p);
      return null;
    });
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('window/showDocument', (p: ShowDocumentParams) => {
      c.showDocuments.push(p);
      c.wake();
      return { success: true };
    });
    conn.onRequest('workspace/applyEdit', (p: ApplyWorkspaceEditParams) => {
      const r = c.applyWorkspaceEdit(p.edit);
      c.applied.push({ params: p, ...r });
      c.wake();
      return r;
    });
    conn.listen();
    const caps: ClientCapabilities = { ...DEFAULT_CAPABILITIES, ...(options.capabilities ?? {}) };
    if (options.noConfigurationCapability) {
      caps.workspace = { ...caps.workspace, configuration: false, didChangeConfiguration: { dynamicRegistration: false } };
    }
    const folders = options.workspaceFolders ?? [];
    c.initializeResult = await conn.sendRequest('initialize', {
      processId: options.processId === undefined ? process.pid : options.processId,
      rootUri: folders[0] ? uriOf(folders[0]) : null,
      workspaceFolders: folders.length ? folders.map((f) => ({ uri: uriOf(f), name: path.basename(f) })) : null,
      capabilities: caps,
    });
    await conn.sendNotification('initialized', {});
    return c;
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      if (w.test()) {
        w.resolve();
      } else {
        this.waiters.push(w);
      }
    }
  }

  /** Waits until `test` holds (checked on every message from the server). */
  waitFor(test: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (test()) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; server stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** The diagnostics published for a document's version (the latest such publication). */
  async diagnosticsFor(uri: string, version?: number | null, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const v = version === undefined ? this.docs.get(uri)?.version : version;
    const find = () =>
      [...(this.diagnostics.get(uri) ?? [])].reverse().find((p) => (v === null || v === undefined ? true : p.version === v));
    await this.waitFor(() => !!find(), `diagnostics of ${uri} version ${v}`, timeoutMs);
    return find()!.diagnostics;
  }

  async open(uri: string, text: string, languageId = 'distributed-design'): Promise<TextDocument> {
    const doc = TextDocument.create(uri, languageId, 1, text);
    this.docs.set(uri, doc);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return doc;
  }

  /** Sends incremental changes (ranges in the current text), like an editor. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const doc = this.docs.get(uri)!;
    const version = doc.version + 1;
    TextDocument.update(doc, changes, version);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** Replaces the whole text through one incremental change covering it. */
  async replaceText(uri: string, text: string): Promise<number> {
    const doc = this.docs.get(uri)!;
    return this.change(uri, [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, text }]);
  }

  async close(uri: string): Promise<void> {
    this.docs.delete(uri);
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  text(uri: string): string {
    return this.docs.get(uri)!.getText();
  }

  /** Position of the n-th (0-based) occurrence of `needle` in a document, plus `delta` characters. */
  positionOf(uri: string, needle: string, delta = 0, nth = 0): Position {
    const doc = this.docs.get(uri)!;
    const t = doc.getText();
    let at = -1;
    for (let i = 0; i <= nth; i++) {
      at = t.indexOf(needle, at + 1);
      if (at < 0) {
        throw new Error(`\`${needle}\` not found`);
      }
    }
    return doc.positionAt(at + delta);
  }

  /**
   * Applies a workspace edit as an editor does: a TextDocumentEdit whose version is not the
   * document's current one is refused; edits to files that are not open go to disk.
   */
  applyWorkspaceEdit(edit: WorkspaceEdit): { applied: boolean; failureReason?: string } {
    const plans: Array<() => Promise<void> | void> = [];
    const docEdits: Array<{ uri: string; version: number | null; edits: TextEdit[] }> = [];
    for (const dc of edit.documentChanges ?? []) {
      if (!TextDocumentEdit.is(dc)) {
        return { applied: false, failureReason: 'only text edits are supported' };
      }
      docEdits.push({ uri: dc.textDocument.uri, version: dc.textDocument.version, edits: dc.edits as TextEdit[] });
    }
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
      docEdits.push({ uri, version: null, edits });
    }
    for (const e of docEdits) {
      const doc = this.docs.get(e.uri);
      if (doc) {
        if (e.version !== null && e.version !== doc.version) {
          return { applied: false, failureReason: `version ${e.version} is not the document's version ${doc.version}` };
        }
        const next = TextDocument.applyEdits(doc, e.edits);
        plans.push(() => this.replaceText(e.uri, next).then(() => undefined));
      } else {
        const file = fileURLToPath(e.uri);
        const before = fs.readFileSync(file, 'utf8');
        const next = TextDocument.applyEdits(TextDocument.create(e.uri, 'x', 0, before), e.edits);
        plans.push(() => fs.writeFileSync(file, next));
      }
    }
    for (const p of plans) {
      void p();
    }
    return { applied: true };
  }

  /** Applies a list of text edits to an open document (an editor applying a code action's edit). */
  async applyEdit(edit: WorkspaceEdit): Promise<{ applied: boolean; failureReason?: string }> {
    const r = this.applyWorkspaceEdit(edit);
    await new Promise((res) => setImmediate(res));
    return r;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  /** The server's resident set size in kB (Linux). */
  rssKb(): number {
    const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        resolve();
      } else {
        this.child.once('exit', () => resolve());
      }
    });
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 1000))]);
      await this.conn.sendNotification('exit');
    } catch {
      // the process may be gone already
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
    this.conn.dispose();
  }
}
