// What a command touches outside itself, passed in so that commands stay plain functions.
// `import = require` binds the module itself: `import * as` would copy its exports at every start.
import fs = require('node:fs');
import path = require('node:path');
import type { Rule } from '../engine/rule';
import { editDistance } from '../engine/text';

export interface Io {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdoutIsTTY: boolean;
  version: string;
  stdout(s: string): void;
  stderr(s: string): void;
}

/**
 * Writes a file whole, so that no reader ever sees half of it: a temporary file beside it,
 * then a rename over it; the folder is made if it is missing. Throws what failed, with
 * the temporary file removed.
 */
export function writeWhole(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}-${Date.now().toString(36)}.tmp`);
  try {
    try {
      fs.writeFileSync(tmp, data, { flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw e;
      }
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(tmp, data, { flag: 'wx' });
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // Never created.
    }
    throw e;
  }
}

/** The package's version, from the package.json above the compiled file. */
export function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const p = path.join(dir, 'package.json');
    // Checked first: a failed read costs an exception, on every run of every command.
    if (!fs.existsSync(p)) {
      dir = path.dirname(dir);
      continue;
    }
    try {
      const text = fs.readFileSync(p, 'utf8');
      // package.json holds the whole extension manifest (~30 KB): its two top-level keys
      // are read where npm writes them (two spaces in) rather than by parsing all of it,
      // which every run of every command would pay; any other layout is parsed.
      const top = (key: string) => new RegExp(`^  "${key}": "([^"\\\\]+)",?$`, 'm').exec(text)?.[1];
      const name = top('name');
      const version = top('version');
      const pkg = name && version ? { name, version } : (JSON.parse(text) as { name?: string; version?: string });
      if (pkg.name === 'distributed-design-review' && pkg.version) {
        return pkg.version;
      }
    } catch {
      // Not here; look further up.
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

/** The rule whose id or name is nearest to a mistyped one (always one, for "did you mean"). */
export function nearestRule(word: string): Rule | undefined {
  // Loaded here, not above: `ddr lint` reads this module without needing the registry.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RULES } = require('../engine/registry') as typeof import('../engine/registry');
  const w = word.toLowerCase();
  let best: Rule | undefined;
  let bestD = Infinity;
  for (const r of RULES) {
    const d = Math.min(editDistance(w, r.id.toLowerCase()), editDistance(w, r.name));
    if (d < bestD) {
      bestD = d;
      best = r;
    }
  }
  return best;
}
