// The VS Code client: starts the language server of this package (`ddr lsp`), and adds
// what the server cannot: the review checklist view, the status bar item and the palette's
// commands. Diagnostics, hovers, quick fixes, completion and the rest come from the server.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { SERVER_NODE_FLAGS } from '../../server/src/lsp/nodeFlags';
import { ChecklistProvider, Node } from './checklist';
import { DESIGN_GLOB, registerCommands, ServerLink } from './commands';
import { DesignLanguageStatus, toServerState } from './languageStatus';
import { CHECKLIST_CHANGED, CHECKLIST_REQUEST, ChecklistParams, ChecklistResult } from './protocol';
import { LANGUAGE_ID, ReviewStatusBar } from './statusBar';

/** What `activate` returns: the in-host tests reach the extension's parts through it. */
export interface DdrApi {
  client: LanguageClient;
  /** Resolves when the server has started (rejects if it could not). */
  ready: Promise<void>;
  checklist: ChecklistProvider;
  treeView: vscode.TreeView<Node>;
  statusBar: ReviewStatusBar;
  languageStatus: DesignLanguageStatus;
  output: vscode.OutputChannel;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): DdrApi {
  const output = vscode.window.createOutputChannel('Distributed Design Review', { log: true });
  // The server's entry (serverMain.ts): its bundle, loaded with a V8 code cache kept in the
  // extension's storage, not in its (installed, perhaps read-only) folder.
  const serverModule = context.asAbsolutePath('out/client/src/serverMain.js');
  const cacheDir = context.globalStorageUri.fsPath;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
  } catch {
    // No cache then: the server runs without one.
  }
  const env = { ...process.env, DDR_CODE_CACHE: fs.existsSync(cacheDir) ? cacheDir : 'off' };
  const run = { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS], env } };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    synchronize: {
      // Designs that are not open are analysed too: the server hears when they change.
      fileEvents: vscode.workspace.createFileSystemWatcher(DESIGN_GLOB),
      configurationSection: 'ddr',
    },
    outputChannel: output,
    diagnosticCollectionName: 'ddr',
  };
  // The id `ddr` makes the client read `ddr.trace.server`.
  const lc = new LanguageClient('ddr', 'Distributed Design Review', serverOptions, clientOptions);
  client = lc;
  const languageStatus = new DesignLanguageStatus();
  context.subscriptions.push(languageStatus, lc.onDidChangeState((e) => languageStatus.setState(toServerState(e.newState))));

  const ready = lc.start().catch((e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    languageStatus.setState('failed', `the language server did not start: ${msg}`);
    output.appendLine(`The language server did not start: ${msg}`);
    void vscode.window.showErrorMessage(`Distributed Design Review: the language server did not start (${msg}).`, 'Show Output').then((c) => {
      if (c) {
        output.show();
      }
    });
    throw e;
  });
  ready.catch(() => undefined);

  const server: ServerLink = {
    ready: () => ready,
    executeCommand: (command, args) => lc.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }),
    restart: () => lc.restart(),
  };

  const checklist = new ChecklistProvider({
    ready: () => ready,
    request: () => lc.sendRequest<ChecklistResult>(CHECKLIST_REQUEST, {} satisfies ChecklistParams),
  });
  const treeView = vscode.window.createTreeView('ddr.checklist', { treeDataProvider: checklist, showCollapseAll: true });
  checklist.attach(treeView);
  const statusBar = new ReviewStatusBar(checklist);
  context.subscriptions.push(output, checklist, treeView, statusBar);

  lc.onNotification(CHECKLIST_CHANGED, () => checklist.scheduleRefresh());
  // Diagnostics change with every analysis; the checklist's counts follow them, even from a
  // server that does not send ddr/checklistChanged for some change.
  context.subscriptions.push(
    vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => /\.design\.ya?ml$/.test(u.path))) {
        checklist.scheduleRefresh(300);
      }
    }),
  );
  void ready.then(
    () => checklist.refresh(),
    () => undefined,
  );

  registerCommands(context, server, checklist, output);
  return { client: lc, ready, checklist, treeView, statusBar, languageStatus, output };
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop().catch(() => undefined);
    client = undefined;
  }
}
