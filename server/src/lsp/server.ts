// The language server: `ddr lsp --stdio` (any LSP editor), `--node-ipc` (the VS Code
// client), `--socket=N` or `--pipe=NAME`. Nothing starts on import: `startServer` does.
import {
  CancellationToken,
  CodeAction,
  CodeActionKind,
  Connection,
  createConnection,
  createServerPipeTransport,
  createServerSocketTransport,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  ExecuteCommandParams,
  InitializeParams,
  InitializeResult,
  IPCMessageReader,
  LSPErrorCodes,
  IPCMessageWriter,
  Message,
  MessageReader,
  MessageWriter,
  ProposedFeatures,
  ResponseError,
  ResponseMessage,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  WatchKind,
} from 'vscode-languageserver/node';
import { checklistEdits } from '../engine/checklist';
import { ClientFeatures, COMMANDS, FIX_ALL_KIND, fixAllEditCancellable, onCodeAction, onCodeActionResolve, workspaceEdit } from './codeActions';
import { onCompletion, TRIGGER_CHARACTERS } from './completion';
import { docsTarget, lineMapOf, PACKAGE_ROOT, toLspRange } from './diagnostics';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Documents } from './documents';
import { FramingGuard } from './framing';
import { onHover } from './hover';
import type { CodeCache } from './bundleLoader';
import { IdleCollector, lazyCompactingGc } from './idleGc';
import { SettingsStore } from './settings';
import { onDefinition, onDocumentSymbol, onPrepareRename, onReferences, onRename } from './symbols';
import { Workspace } from './workspace';

export const USAGE = 'usage: ddr lsp --stdio | --node-ipc | --socket=PORT | --pipe=NAME';

type Transport = { kind: 'stdio' } | { kind: 'ipc' } | { kind: 'socket'; port: number } | { kind: 'pipe'; name: string };

export function parseTransport(argv: string[]): Transport | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--stdio') {
      return { kind: 'stdio' };
    }
    if (a === '--node-ipc') {
      return { kind: 'ipc' };
    }
    const [flag, inline] = a.split('=', 2);
    const value = inline ?? argv[i + 1];
    if (flag === '--socket' && value && /^\d+$/.test(value)) {
      return { kind: 'socket', port: Number(value) };
    }
    if (flag === '--pipe' && value) {
      return { kind: 'pipe', name: value };
    }
  }
  return undefined;
}

function connect(t: Transport): Connection {
  switch (t.kind) {
    case 'stdio': {
      // Only whole, well-framed messages reach the reader (framing.ts): junk between
      // messages costs one message, not the session.
      const guard = new FramingGuard((bytes, why) => process.stderr.write(`ddr lsp: dropped ${bytes} bytes of input: ${why}\n`));
      const { reader, writer } = answerBeforeExit(new StreamMessageReader(process.stdin.pipe(guard)), new StreamMessageWriter(process.stdout), (code) => process.exit(code));
      return createConnection(ProposedFeatures.all, reader, writer);
    }
    case 'ipc':
      return createConnection(ProposedFeatures.all, new IPCMessageReader(process), new IPCMessageWriter(process));
    case 'socket': {
      const [reader, writer] = createServerSocketTransport(t.port);
      return createConnection(ProposedFeatures.all, reader, writer);
    }
    case 'pipe': {
      const [reader, writer] = createServerPipeTransport(t.name);
      return createConnection(ProposedFeatures.all, reader, writer);
    }
  }
}

/** How long the server waits, once its input has ended, for the answers still owed before it exits anyway. */
export const END_OF_INPUT_GRACE_MS = 10_000;

/**
 * The end of the input is not the end of the work: `printf <initialize> | ddr lsp --stdio`
 * must print the answer. Given streams, vscode-languageserver exits (code 1) the moment
 * its input ends, while the requests it has read still wait in its queue; given a reader
 * and a writer, it leaves the exit to us. These wrap them: they count the requests read
 * and the answers written, and once the input has ended and every request is answered,
 * `exit` is called: 0 after a `shutdown` request, 1 without one (as for `exit`, by the
 * protocol). Requests of the server to the client that are still open then, or that it
 * sends afterwards, will never be answered: each gets an error answer at once, so that
 * nothing waits for them. The reader never reports its end to the connection, which
 * would refuse to send anything more. After END_OF_INPUT_GRACE_MS the server exits even
 * with answers missing, and says so on stderr.
 */
export function answerBeforeExit(
  reader: MessageReader,
  writer: MessageWriter,
  exit: (code: number) => void,
  graceMs = END_OF_INPUT_GRACE_MS,
): { reader: MessageReader; writer: MessageWriter } {
  /** Requests of the client not yet answered. */
  const owed = new Set<string | number | null>();
  /** Requests of the server not yet answered by the client. */
  const asked = new Set<string | number | null>();
  let deliver: ((m: Message) => void) | undefined;
  let ended = false;
  let shutdown = false;
  let done = false;
  const finish = (code: number): void => {
    if (!done) {
      done = true;
      exit(code);
    }
  };
  const exitIfAnswered = (): void => {
    if (ended && owed.size === 0) {
      finish(shutdown ? 0 : 1);
    }
  };
  const unanswerable = (id: string | number | null): void => {
    asked.delete(id);
    const answer: ResponseMessage = { jsonrpc: '2.0', id, error: { code: ErrorCodes.ConnectionInactive, message: 'the client is gone: the input ended' } };
    setImmediate(() => deliver?.(answer));
  };
  reader.onClose(() => {
    if (ended) {
      return;
    }
    ended = true;
    for (const id of [...asked]) {
      unanswerable(id);
    }
    // Not unref'd: with an answer that never comes, nothing else may be left to keep the
    // process alive, and it would end (code 0) with the answer lost.
    setTimeout(() => {
      process.stderr.write(`ddr lsp: the input ended; exiting with ${owed.size} request(s) unanswered after ${graceMs} ms\n`);
      finish(1);
    }, graceMs);
    // Checked after the messages already read have had their turn in the connection's queue.
    setImmediate(exitIfAnswered);
  });
  const wrappedReader: MessageReader = {
    onError: reader.onError,
    onPartialMessage: reader.onPartialMessage,
    // Never fired: a closed connection sends nothing more, the answers owed included.
    onClose: () => ({ dispose: () => undefined }),
    listen(callback) {
      deliver = callback;
      return reader.listen((m) => {
        if (Message.isRequest(m)) {
          owed.add(m.id);
          shutdown ||= m.method === 'shutdown';
        } else if (Message.isResponse(m) && m.id !== null) {
          asked.delete(m.id);
        }
        callback(m);
      });
    },
    dispose: () => reader.dispose(),
  };
  const wrappedWriter: MessageWriter = {
    onError: writer.onError,
    onClose: writer.onClose,
    async write(m) {
      if (Message.isRequest(m)) {
        if (ended) {
          unanswerable(m.id);
          return;
        }
        asked.add(m.id);
      }
      try {
        await writer.write(m);
      } finally {
        if (Message.isResponse(m) && m.id !== null && owed.delete(m.id)) {
          exitIfAnswered();
        }
      }
    },
    end: () => writer.end(),
    dispose: () => writer.dispose(),
  };
  return { reader: wrappedReader, writer: wrappedWriter };
}

function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')).version as string;
  } catch {
    return '0.0.0';
  }
}

/** How long after the first work (and after any work that follows within it) the code cache is written. */
export const CODE_CACHE_DELAY_MS = 500;

export interface StartOptions {
  /** The bundle's code cache (bundleLoader.ts), saved half a second after the first work. */
  codeCache?: CodeCache;
}

/** Starts the server on the transport named in argv; prints the usage and exits 2 without one. */
export function startServer(argv: string[], options: StartOptions = {}): void {
  const transport = parseTransport(argv);
  if (!transport) {
    process.stderr.write(USAGE + '\n');
    process.exit(2);
  }
  if (transport.kind === 'stdio') {
    // stdout carries the protocol: anything printed must go elsewhere.
    const toStderr = (...args: unknown[]) => process.stderr.write(args.map(String).join(' ') + '\n');
    console.log = toStderr;
    console.info = toStderr;
    console.debug = toStderr;
    console.warn = toStderr;
  }
  const connection = connect(transport);
  serve(connection, options);
  connection.listen();
}

/** Wires every feature to a connection (tests may pass their own). */
export function serve(connection: Connection, options: StartOptions = {}): void {
  const log = {
    error: (m: string) => connection.console.error(m),
    info: (m: string) => connection.console.info(m),
  };
  process.on('uncaughtException', (e) => log.error(`uncaught exception (the server keeps running): ${e?.stack ?? String(e)}`));
  process.on('unhandledRejection', (e) => log.error(`unhandled rejection (the server keeps running): ${(e as Error)?.stack ?? String(e)}`));

  const features: ClientFeatures = { documentChanges: false, resolveEdit: false };
  let hierarchicalSymbols = false;
  let showDocument = false;
  let dynamicConfiguration = false;
  let dynamicWatchers = false;
  let workspaceFolderEvents = false;
  let folders: string[] = [];

  // `initialize` tells whether the client answers workspace/configuration (pull) or
  // pushes settings with didChangeConfiguration.
  const settings = new SettingsStore(connection, (m) => log.info(m));
  const documents = new Documents(connection, settings, log);
  const workspace = new Workspace(documents, log);
  // Memory goes back once the server is idle (idleGc.ts): every analysis and request restarts the wait.
  const collector = new IdleCollector({ gc: lazyCompactingGc() });
  // The code cache is written once, half a second after the first work: it then holds what
  // the start-up and a first analysis compiled (bundleLoader.ts). Before the idle
  // collection, whose V8 flags would otherwise be those the cache is made under.
  const codeCache = options.codeCache;
  let cacheTimer: NodeJS.Timeout | undefined;
  const cacheSoon = (): void => {
    if (!codeCache || codeCache.status === 'used' || codeCache.status === 'off') {
      return;
    }
    if (cacheTimer) {
      cacheTimer.refresh();
      return;
    }
    const write = (): void => {
      const problem = codeCache.save();
      log.info(problem ? `code cache not written (${codeCache.file}): ${problem}` : `code cache written: ${codeCache.file}`);
    };
    cacheTimer = setTimeout(write, CODE_CACHE_DELAY_MS);
    cacheTimer.unref();
    // A server stopped within the half second (a quick check of one file) writes it as it exits.
    process.once('exit', () => codeCache.save());
  };
  documents.onWork = () => {
    collector.noteWork();
    cacheSoon();
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    const pull = !!caps.workspace?.configuration;
    settings.pull = pull;
    features.documentChanges = !!caps.workspace?.workspaceEdit?.documentChanges;
    features.resolveEdit = !!caps.textDocument?.codeAction?.resolveSupport?.properties?.includes('edit');
    hierarchicalSymbols = !!caps.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport;
    showDocument = !!caps.window?.showDocument?.support;
    dynamicConfiguration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    dynamicWatchers = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    workspaceFolderEvents = !!caps.workspace?.workspaceFolders;
    folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspace.setFolders(folders);
    const prepareRename = !!caps.textDocument?.rename?.prepareSupport;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        completionProvider: { triggerCharacters: TRIGGER_CHARACTERS, resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
        documentSymbolProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: prepareRename ? { prepareProvider: true } : true,
        executeCommandProvider: { commands: Object.values(COMMANDS) },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'ddr', version: packageVersion() },
    };
  });

  connection.onInitialized(() => {
    if (codeCache) {
      log.info(`code cache: ${codeCache.status}${codeCache.file ? ` (${codeCache.file})` : ''}`);
    }
    if (dynamicConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'ddr' });
    }
    if (dynamicWatchers) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.design.yaml', kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
          { globPattern: '**/*.design.yml', kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
        ],
      });
    }
    if (workspaceFolderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        workspace.removeFolders(e.removed.map((f) => f.uri));
        void workspace.addFolders(e.added.map((f) => f.uri));
      });
    }
    void workspace.scan().catch((e) => log.error(`reading the workspace failed: ${String(e)}`));
  });

  connection.onDidChangeConfiguration((params) => {
    settings.changed(params.settings);
    documents.refreshAll();
  });

  connection.onDidChangeWatchedFiles((params) => {
    void workspace.filesChanged(params.changes).catch((e) => log.error(`re-reading changed files failed: ${String(e)}`));
  });

  // Every request handler: a request cancelled while it waited in the queue is answered
  // RequestCancelled without running (editors cancel hovers and code actions as the cursor
  // moves); a failure is logged and answered with an empty result, never a crash.
  const safe =
    <P, R>(name: string, fallback: R | ((p: P) => R), f: (p: P, token: CancellationToken) => R | Promise<R>) =>
    (p: P, token: CancellationToken): R | Promise<R> => {
      collector.noteWork();
      if (token?.isCancellationRequested) {
        throw new ResponseError(LSPErrorCodes.RequestCancelled, `${name} was cancelled`);
      }
      const fail = (e: unknown): R => {
        if (e instanceof ResponseError) {
          throw e;
        }
        log.error(`${name} failed: ${(e as Error)?.stack ?? String(e)}`);
        return typeof fallback === 'function' ? (fallback as (p: P) => R)(p) : fallback;
      };
      try {
        const r = f(p, token);
        return r instanceof Promise ? r.catch(fail) : r;
      } catch (e) {
        return fail(e);
      }
    };

  connection.onHover(safe('hover', null, (p) => onHover(documents, p)));
  connection.onCompletion(safe('completion', { isIncomplete: false, items: [] }, (p) => onCompletion(documents, p)));
  connection.onCodeAction(safe('codeAction', [], (p, token) => onCodeAction(documents, p, features, token)));
  connection.onCodeActionResolve(safe('codeAction/resolve', (action: CodeAction) => action, (action, token) => onCodeActionResolve(documents, action, features, token)));
  connection.onDocumentSymbol(safe('documentSymbol', [], (p) => onDocumentSymbol(documents, p.textDocument.uri, hierarchicalSymbols)));
  connection.onDefinition(safe('definition', null, (p) => onDefinition(documents, p)));
  connection.onReferences(safe('references', null, (p) => onReferences(documents, p)));
  connection.onPrepareRename(safe('prepareRename', null, (p) => onPrepareRename(documents, p)));
  connection.onRenameRequest(safe('rename', null, (p) => onRename(documents, p, features.documentChanges)));

  connection.onRequest('ddr/checklist', (params: { uri?: string } | null | undefined) => {
    try {
      return documents.checklist(params?.uri);
    } catch (e) {
      log.error(`ddr/checklist failed: ${(e as Error)?.stack ?? String(e)}`);
      return { designs: [] };
    }
  });

  connection.onExecuteCommand(async (params: ExecuteCommandParams, token: CancellationToken) => {
    const args = params.arguments ?? [];
    const obj = (args[0] && typeof args[0] === 'object' ? args[0] : {}) as Record<string, unknown>;
    const uri = (typeof args[0] === 'string' ? args[0] : obj.uri) as string | undefined;
    switch (params.command) {
      case COMMANDS.fixAll: {
        if (!uri) {
          throw new ResponseError(ErrorCodes.InvalidParams, 'ddr.fixAll needs {uri}');
        }
        const cur = await documents.anyAnalysis(uri);
        if (!cur) {
          throw new ResponseError(ErrorCodes.InvalidParams, `unknown design ${uri}`);
        }
        const edit = await fixAllEditCancellable(cur.analysis, uri, cur.version, true, token);
        if (!edit) {
          return { applied: false, reason: 'nothing to fix' };
        }
        const r = await connection.workspace.applyEdit({ label: 'Fix all auto-fixable findings', edit });
        return { applied: r.applied, ...(r.failureReason ? { reason: r.failureReason } : {}) };
      }
      case COMMANDS.setChecklistState: {
        const area = (obj.area ?? args[1]) as string | undefined;
        const state = (obj.state ?? args[2]) as string | undefined;
        const reason = (obj.reason ?? args[3]) as string | undefined;
        if (!uri || !area || !state) {
          throw new ResponseError(ErrorCodes.InvalidParams, 'ddr.setChecklistState needs {uri, area, state, reason?}');
        }
        const cur = await documents.anyAnalysis(uri);
        if (!cur) {
          throw new ResponseError(ErrorCodes.InvalidParams, `unknown design ${uri}`);
        }
        const edits = checklistEdits(cur.analysis, area, state, typeof reason === 'string' ? reason : undefined);
        if ('error' in edits) {
          throw new ResponseError(ErrorCodes.InvalidParams, edits.error);
        }
        if (!edits.length) {
          return { applied: true, reason: 'already in that state' };
        }
        const map = lineMapOf(cur.analysis);
        const lsp = edits.map((e) => ({ range: toLspRange(map, e.range), newText: e.newText }));
        const r = await connection.workspace.applyEdit({ label: `Checklist: ${area} → ${state}`, edit: workspaceEdit(uri, cur.version, lsp, true) });
        return { applied: r.applied, ...(r.failureReason ? { reason: r.failureReason } : {}) };
      }
      case COMMANDS.revealPosition: {
        const pos = args[1] as { line: number; character: number } | undefined;
        if (uri && pos && showDocument) {
          await connection.window.showDocument({ uri, takeFocus: true, selection: { start: pos, end: pos } });
        }
        return null;
      }
      case COMMANDS.showDocumentation: {
        const id = String(args[0] ?? '');
        const target = docsTarget(id);
        if (showDocument) {
          await connection.window.showDocument({ uri: target.uri, external: target.external, takeFocus: true });
        } else {
          connection.window.showInformationMessage(`${id}: ${target.uri}`);
        }
        return null;
      }
      default:
        throw new ResponseError(ErrorCodes.MethodNotFound, `unknown command ${params.command}`);
    }
  });

  documents.docs.listen(connection);
}
