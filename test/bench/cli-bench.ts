// The CLI rows of `npm run bench`: 100 generated designs of 500 lines in a temporary
// folder, each run a whole `node bin/ddr.js lint` process, beside floors run the same way:
//   (a) `ddr lint <dir>` vs a script that starts Node, reads, parseDocuments and walks each file;
//   (b) a second run with `--cache` vs a script that starts Node, reads and hashes each file.
// The measurements alternate, so that a busy machine slows both sides alike.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/lspClient';
import { generateDesign } from './generate';
import { since, stats, Stats } from './stats';

const BIN = path.join(REPO_ROOT, 'bin', 'ddr.js');
const FLOOR = path.join(__dirname, 'floor.js');

export interface CliRow {
  files: number;
  linesPerFile: number;
  bytes: number;
  /** Threads `--concurrency auto` chose before and after the repetitions (1: sequential). */
  threads: number[];
  lint: Stats;
  /** The same run on one thread (`--concurrency off`). */
  lintOneThread: Stats;
  /** The same run with one worker beside the main thread (`--concurrency 2`). */
  lintTwoThreads: Stats;
  lintFloor: Stats;
  cached: Stats;
  cachedFloor: Stats;
}

function timed(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env });
  const d = since(t);
  // `ddr lint` exits 1 when there are error findings; anything else is a broken run.
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return d;
}

export function measureCli(files = 100, linesPerFile = 500, reps = 10): CliRow {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-bench-cli-'));
  try {
    const dir = path.join(root, 'designs');
    fs.mkdirSync(dir);
    let bytes = 0;
    let lines = 0;
    for (let i = 0; i < files; i++) {
      const text = generateDesign(linesPerFile, 1000 + i);
      lines = text.split('\n').length - 1;
      bytes += Buffer.byteLength(text);
      fs.writeFileSync(path.join(dir, `d${String(i).padStart(3, '0')}.design.yaml`), text);
    }
    const cache = path.join(root, 'ddrcache.json');
    const lint = [BIN, 'lint', dir];
    const cached = [BIN, 'lint', dir, '--cache', '--cache-location', cache];
    // Which thread count `auto` picks (it depends on the load), seen through the hook that
    // logs each analysis's thread; measured again after the repetitions.
    const log = path.join(root, 'threads.log');
    const autoThreads = () => {
      fs.rmSync(log, { force: true });
      timed(lint, root, { ...process.env, DDR_TEST_ANALYSED_LOG: log });
      return autoThreadsSeen(log);
    };
    const threadsBefore = autoThreads();
    // Warm the file cache and fill ddr's cache.
    timed(cached, root);
    timed([FLOOR, 'parse', dir], root);
    const samples = { lint: [] as number[], one: [] as number[], two: [] as number[], floor: [] as number[], cached: [] as number[], cachedFloor: [] as number[] };
    for (let i = 0; i < reps; i++) {
      const runs: Array<[number[], string[]]> = [
        [samples.floor, [FLOOR, 'parse', dir]],
        [samples.lint, lint],
        [samples.one, [...lint, '--concurrency', 'off']],
        [samples.two, [...lint, '--concurrency', '2']],
        [samples.cachedFloor, [FLOOR, 'read', dir]],
        [samples.cached, cached],
      ];
      // Rotate the order each repetition: no side always runs first or last.
      for (let k = 0; k < runs.length; k++) {
        const [into, args] = runs[(k + i) % runs.length];
        into.push(timed(args, root));
      }
      process.stderr.write(`bench: CLI repetition ${i + 1}/${reps}\n`);
    }
    const threads = [threadsBefore, autoThreads()];
    return {
      files,
      linesPerFile: lines,
      bytes,
      threads,
      lint: stats(samples.lint),
      lintOneThread: stats(samples.one),
      lintTwoThreads: stats(samples.two),
      lintFloor: stats(samples.floor),
      cached: stats(samples.cached),
      cachedFloor: stats(samples.cachedFloor),
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Threads that analysed in the logged run (the log holds `path<TAB>thread id` lines). */
function autoThreadsSeen(log: string): number {
  const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  return new Set(lines.map((l) => l.split('\t')[1] ?? '0')).size;
}
