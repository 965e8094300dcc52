// Temporary folders with files in them, removed when the test file's tests are done.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';

const temps: string[] = [];
after(() => {
  for (const t of temps) {
    fs.rmSync(t, { recursive: true, force: true });
  }
});

/** A new folder under the system's temp folder holding `files` (paths relative to it). */
export function tempDir(files: Record<string, string | Buffer>, prefix = 'ddr-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}
