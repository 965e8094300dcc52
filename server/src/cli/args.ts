// Command-line options: `--name value`, `--name=value`, short aliases, `--` to end the
// options, repeatable options. A wrong option is a usage error (exit 2), never a guess.
import { closest } from '../engine/text';

export class UsageError extends Error {}

export interface OptionSpec {
  name: string;
  short?: string;
  /** Takes a value. */
  value?: boolean;
  repeat?: boolean;
}

export interface Parsed {
  options: Map<string, string[]>;
  /** Flags present (options without a value). */
  flags: Set<string>;
  positionals: string[];
}

export function parseArgs(argv: string[], specs: OptionSpec[]): Parsed {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq >= 0 ? a.slice(eq + 1) : undefined;
      spec = byName.get(name);
      if (!spec) {
        const near = closest(name, [...byName.keys()]);
        throw new UsageError(`unknown option \`--${name}\`${near ? ` (did you mean \`--${near}\`?)` : ''}`);
      }
    } else if (a.startsWith('-') && a.length > 1) {
      spec = byShort.get(a.slice(1, 2));
      if (!spec) {
        throw new UsageError(`unknown option \`${a}\``);
      }
      inline = a.length > 2 ? a.slice(2).replace(/^=/, '') : undefined;
    } else {
      positionals.push(a);
      continue;
    }
    if (!spec.value) {
      if (inline !== undefined) {
        throw new UsageError(`option \`--${spec.name}\` takes no value`);
      }
      flags.add(spec.name);
      continue;
    }
    let v = inline;
    if (v === undefined) {
      if (i + 1 >= argv.length) {
        throw new UsageError(`option \`--${spec.name}\` needs a value`);
      }
      v = argv[++i];
    }
    const list = options.get(spec.name) ?? [];
    if (list.length && !spec.repeat) {
      throw new UsageError(`option \`--${spec.name}\` given twice`);
    }
    list.push(v);
    options.set(spec.name, list);
  }
  return { options, flags, positionals };
}

export function one(p: Parsed, name: string): string | undefined {
  return p.options.get(name)?.[0];
}

/**
 * Whether output to stdout is coloured: `--color` forces it, `--no-color` and NO_COLOR
 * turn it off, otherwise a terminal (or FORCE_COLOR) has it. Never into a file (`-o`).
 */
export function wantsColor(p: Parsed, io: { env: NodeJS.ProcessEnv; stdoutIsTTY: boolean }, toFile = false): boolean {
  if (p.flags.has('color') && p.flags.has('no-color')) {
    throw new UsageError('--color and --no-color exclude each other');
  }
  const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0';
  return p.flags.has('color') || (!p.flags.has('no-color') && !toFile && !io.env.NO_COLOR && (io.stdoutIsTTY || forced));
}
