// `npm run fuzz`: the property tests of test/fuzz/properties.ts, ten times longer than
// `npm test` runs them and with a random seed (printed first, so that any run can be
// replayed). On a failure it prints fast-check's report (seed, path, shrunk input), the
// command that replays it, and writes the failing input to a file to add to test/corpus/.
//
//   npm run fuzz                         every property, 10× the runs of npm test, random seed
//   npm run fuzz -- --seed 42            replay a seed
//   npm run fuzz -- --runs 5000          runs per property
//   npm run fuzz -- --only incremental   properties whose name contains the word
//   npm run fuzz -- --seed 42 --path 17:3:1 --only quick   replay one counterexample
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { counterexampleText, PROPERTIES, RunOptions, runProperty } from './properties';

interface Args {
  seed: number;
  runs?: number;
  scale: number;
  only?: string;
  path?: string;
}

const USAGE = 'usage: npm run fuzz -- [--seed N] [--runs N] [--scale N] [--only WORD] [--path P]';

export function parseFuzzArgs(argv: string[]): Args {
  const args: Args = { seed: Math.floor(Math.random() * 2 ** 31), scale: 10 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) {
        throw new Error(`${flag} needs a value\n${USAGE}`);
      }
      return v;
    };
    const int = (v: string) => {
      if (!/^\d+$/.test(v)) {
        throw new Error(`${flag} needs a whole number, not \`${v}\`\n${USAGE}`);
      }
      return Number(v);
    };
    switch (flag) {
      case '--seed':
        args.seed = int(value());
        break;
      case '--runs':
        args.runs = int(value());
        break;
      case '--scale':
        args.scale = int(value());
        break;
      case '--only':
        args.only = value();
        break;
      case '--path':
        args.path = value();
        break;
      case '-h':
      case '--help':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option \`${argv[i]}\`\n${USAGE}`);
    }
  }
  return args;
}

function main(argv: string[]): number {
  let args: Args;
  try {
    args = parseFuzzArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const selected = PROPERTIES.filter((p) => !args.only || p.name.includes(args.only));
  if (!selected.length) {
    process.stderr.write(`no property name contains \`${args.only}\`\n`);
    return 2;
  }
  process.stdout.write(`fuzz: seed ${args.seed} (replay with: npm run fuzz -- --seed ${args.seed})\n`);
  let failed = 0;
  for (const p of selected) {
    const o: RunOptions = { seed: args.seed, scale: args.scale, runs: args.runs, path: args.path };
    const runs = o.runs ?? Math.round(p.runs * args.scale);
    const t0 = Date.now();
    try {
      runProperty(p, o);
      process.stdout.write(`ok    ${p.name} (${runs} runs, ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    } catch (e) {
      failed++;
      // fast-check's report (seed, path, counterexample), then what the property said.
      const cause = (e as { cause?: unknown })?.cause;
      const report = String((e as Error)?.message ?? e) + (cause ? `\nfailure: ${String((cause as Error)?.message ?? cause)}` : '');
      process.stdout.write(`FAIL  ${p.name} (seed ${args.seed})\n${report}\n`);
      const pathMatch = /path: "([^"]*)"/.exec(report);
      const word = p.name.split(':')[0];
      process.stdout.write(
        `replay: npm run fuzz -- --seed ${args.seed}${pathMatch ? ` --path ${pathMatch[1]}` : ''} --runs ${runs} --only "${word}"\n`,
      );
      try {
        const text = counterexampleText(p, { ...o, path: pathMatch?.[1] ?? o.path });
        if (text !== undefined) {
          const file = path.join(os.tmpdir(), `ddr-fuzz-${args.seed}-${word.replace(/\W+/g, '-')}.yaml`);
          fs.writeFileSync(file, text);
          process.stdout.write(`input: ${file} — add it to test/corpus/ with a header comment naming the defect\n`);
        }
      } catch {
        // The report above is what matters; the file is a convenience.
      }
    }
  }
  process.stdout.write(failed ? `fuzz: ${failed} of ${selected.length} properties failed (seed ${args.seed})\n` : `fuzz: all ${selected.length} properties hold (seed ${args.seed})\n`);
  return failed ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
