// What hostile-cli.test.ts and hostile-cli.privileged.test.ts share: bin/ddr.js run on
// temporary folders (a module of its own: importing a test file would run its tests).
import { tempDir as makeTempDir } from './support/tempDir';
import { strict as assert } from 'node:assert';
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import * as path from 'node:path';

const repoRoot = path.join(__dirname, '..', '..');
export const BIN = path.join(repoRoot, 'bin', 'ddr.js');

export function tempDir(files: Record<string, string | Buffer> = {}): string {
  return makeTempDir(files, 'ddr-hostile-');
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** bin/ddr.js in `cwd`, with no colour from the environment; a hang fails after 20 s. */
export function ddr(args: string[], cwd: string, extra: SpawnSyncOptions = {}, command: string[] = [process.execPath]): Run {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  const [exe, ...pre] = command;
  const r = spawnSync(exe, [...pre, BIN, ...args], { cwd, encoding: 'utf8', env, timeout: 20_000, ...extra });
  assert.equal(r.error, undefined, `ddr ${args.join(' ')}: ${String(r.error)}`);
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

