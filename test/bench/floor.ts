// The floors of the whole-process rows of `npm run bench`: what any Node program must pay
// for the same input, run as its own process like the thing it is compared with.
//
//   node floor.js parse <dir|file>    start, load `yaml`, read, parseDocument and walk each file
//   node floor.js read <dir>          start, read and hash each file's bytes (what --cache cannot avoid)
//   node floor.js rss <file>          start, load `yaml`, parse and hold the document; print the RSS in kB
//
// A folder is read like `ddr lint` reads it: its *.design.yaml files, sorted.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

function files(p: string): string[] {
  if (!fs.statSync(p).isDirectory()) {
    return [p];
  }
  return fs
    .readdirSync(p)
    .filter((f) => /\.design\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(p, f));
}

function main(): void {
  const [mode, target] = process.argv.slice(2);
  if (mode === 'read') {
    let n = 0;
    for (const f of files(target)) {
      n += createHash('sha1').update(fs.readFileSync(f)).digest().length;
    }
    process.stdout.write(`${n}\n`);
    return;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require('yaml') as typeof import('yaml');
  if (mode === 'parse') {
    let nodes = 0;
    for (const f of files(target)) {
      const doc = yaml.parseDocument(fs.readFileSync(f, 'utf8'));
      yaml.visit(doc, () => {
        nodes++;
      });
    }
    process.stdout.write(`${nodes}\n`);
    return;
  }
  if (mode === 'rss') {
    const doc = yaml.parseDocument(fs.readFileSync(target, 'utf8'));
    global.gc?.();
    process.stdout.write(`${Math.round(process.memoryUsage().rss / 1024)} ${doc.errors.length}\n`);
    return;
  }
  process.stderr.write('usage: node floor.js parse|read|rss <path>\n');
  process.exitCode = 2;
}

// `node --test out/test/` runs every .js under out/test: this is a benchmark's helper, not a test.
if (!process.env.NODE_TEST_CONTEXT) {
  main();
}
