// The `ddr` command: lint, rules, explain, and lsp (the language server, loaded only for
// that command so that linting never pays for LSP code). Every failure the user can cause
// ends in one line on stderr and exit code 2, never a stack trace.
import fs = require('node:fs');
import path = require('node:path');
import type { CodeCache } from '../lsp/bundleLoader';
import { UsageError } from './args';
import { Io, packageVersion } from './io';
import { lint, LINT_USAGE } from './lint';

// `ddr rules` and `ddr explain` load the whole registry and the engine: only for them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rules = () => require('./rules') as typeof import('./rules');

export const USAGE = `Usage: ddr <command> [options]

Reviews designs of distributed systems (*.design.yaml) for delivery, retry,
idempotency, timeout, partial-failure, consistency and ordering problems.

Commands:
  lint [paths...]   review design files (default: the current folder)
  rules             list every rule
  explain <RULE>    show a rule's page
  lsp [--stdio]     start the language server
  schema            print the JSON Schema of design files

Options:
  -h, --help        show help (also: ddr <command> --help)
  -v, --version     show the version

Examples:
  ddr lint
  ddr lint designs/ --format sarif -o ddr.sarif
  ddr lint 'designs/**/*.design.yaml' --max-warnings 0
  ddr explain RTY003
`;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsonSchema = () => require('./jsonSchema') as typeof import('./jsonSchema');

const COMMAND_USAGE: Record<string, () => string> = { lint: () => LINT_USAGE, rules: () => rules().RULES_USAGE, explain: () => rules().EXPLAIN_USAGE, schema: () => jsonSchema().SCHEMA_USAGE };
const hasUsage = (cmd: string | undefined): cmd is string => cmd !== undefined && Object.hasOwn(COMMAND_USAGE, cmd);

/** `ddr lint | head` closes the pipe early: that is the reader's choice, not a crash. */
function exitOnEpipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      process.exit(process.exitCode ?? 0);
    }
    throw e;
  });
}

let stderrReady = false;

/**
 * process.stderr, set up on first use: Node creates the stream when it is first read
 * (~1 ms), and a run that reports nothing on it (`ddr lint --cache` on unchanged files)
 * need not pay for it.
 */
function stderr(): NodeJS.WriteStream {
  if (!stderrReady) {
    stderrReady = true;
    exitOnEpipe(process.stderr);
  }
  return process.stderr;
}

function processIo(): Io {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: !!process.stdout.isTTY,
    version: packageVersion(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => stderr().write(s),
  };
}

type Server = { startServer(argv: string[], options?: { codeCache?: CodeCache }): void };

function loadServer(): { server: Server; codeCache?: CodeCache } {
  const bundle = path.join(__dirname, '..', 'lsp', 'server.bundle.js');
  if (!fs.existsSync(bundle)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { server: require('../lsp/server') as Server };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadBundle } = require('../lsp/bundleLoader') as typeof import('../lsp/bundleLoader');
  const { exports, cache } = loadBundle<Server>(bundle);
  return { server: exports, codeCache: cache };
}

function startLsp(argv: string[], io: Io): number {
  let server: Server;
  let codeCache: CodeCache | undefined;
  try {
    // Lazy on purpose: `ddr lint` must not load the language server. The bundle (one file,
    // scripts/bundle.js) starts in less than half the time of the ~230 modules it holds;
    // without it (only `tsc` ran) the modules themselves.
    ({ server, codeCache } = loadServer());
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'MODULE_NOT_FOUND' && /lsp[\\/]server/.test(err.message)) {
      io.stderr('ddr: the language server is not built yet\n');
      return 2;
    }
    throw e;
  }
  if (typeof server.startServer !== 'function') {
    io.stderr('ddr: the language server is not built yet\n');
    return 2;
  }
  server.startServer(argv, { codeCache });
  return 0;
}

/**
 * Runs one command; returns its exit code, or a promise of it when the command works on
 * other threads (`ddr lint` on many files).
 */
export function main(argv: string[], io: Io = processIo()): number | Promise<number> {
  const [cmd, ...rest] = argv;
  const fail = (e: unknown): number => {
    if (e instanceof UsageError) {
      io.stderr(`ddr: ${e.message}\nRun \`ddr ${hasUsage(cmd) ? cmd + ' ' : ''}--help\` for usage.\n`);
      return 2;
    }
    const err = e as Error;
    io.stderr(`ddr: internal error: ${err?.message ?? String(e)}${process.env.DDR_DEBUG ? '\n' + err?.stack : ' (set DDR_DEBUG=1 for details)'}\n`);
    return 2;
  };
  try {
    switch (cmd) {
      case undefined:
        io.stderr(USAGE);
        return 2;
      case '-h':
      case '--help':
        io.stdout(USAGE);
        return 0;
      case 'help':
        if (rest[0] && !hasUsage(rest[0])) {
          throw new UsageError(`unknown command \`${rest[0]}\``);
        }
        io.stdout(rest[0] ? COMMAND_USAGE[rest[0]]() : USAGE);
        return 0;
      case '-v':
      case '--version':
        io.stdout(io.version + '\n');
        return 0;
      case 'lint': {
        const code = lint(rest, io);
        return typeof code === 'number' ? code : code.catch(fail);
      }
      case 'rules':
        return rules().rulesCommand(rest, io);
      case 'explain':
        return rules().explainCommand(rest, io);
      case 'lsp':
        return startLsp(rest, io);
      case 'schema':
        return jsonSchema().schemaCommand(rest, io);
      default:
        io.stderr(`ddr: unknown command \`${cmd}\`\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    return fail(e);
  }
}

/** Entry point of bin/ddr.js. */
export function run(argv: string[]): void {
  exitOnEpipe(process.stdout);
  if (argv[0] === 'lsp') {
    stderr(); // the language server logs to process.stderr itself, not through an Io
  }
  const code = main(argv);
  // The language server keeps the process alive itself; every other command ends here.
  if (typeof code === 'number') {
    process.exitCode = code;
  } else {
    void code.then((c) => (process.exitCode = c));
  }
}

if (require.main === module) {
  run(process.argv.slice(2));
}
