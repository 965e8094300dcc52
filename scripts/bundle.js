#!/usr/bin/env node
// The language server, the `ddr` command and its lint worker, each as one file: `npm run
// build` runs this after `tsc` (and scripts/yamlFast.js).
//
// Started as ~230 modules (ours, vscode-languageserver's, yaml's), the server spent ~120 ms
// of its start-up finding, reading and compiling them: a third of spawn → first
// diagnostics. One file, with the same modules inside (esbuild keeps each CommonJS module
// lazy: it runs on its first require, as before), takes ~50 ms (docs/performance.md).
// `ddr lsp` (bin/ddr.js → cli/main.ts), which the VS Code client and other editors start,
// loads it; the unbundled out/server/src/lsp/server.js stays for the tests that import
// the server's modules directly.
//
// The command and its worker (cli/worker.ts, which cli/parallel.ts starts on threads) are
// bundled too, so that the npm package needs nothing but these three files and bin/ddr.js:
// no dependency to download at `npm install -g`, no TypeScript output to ship. The
// command's bundle leaves the language server out (main.ts loads server.bundle.js, or
// server.js after `tsc` alone), and its parallel.ts starts worker.bundle.js, not the
// worker.js that tsc wrote beside it.
//
// Each bundle sits beside the module it is made from, so that `__dirname` in the modules it
// holds is the directory they were compiled to (diagnostics.ts finds the package root from
// it, main.ts the server's bundle, parallel.ts the worker's).
//
// Every bundle must hold the lexer and parser scripts/yamlFast.js rewrites (fastYaml.ts
// falls back to yaml's own, 2.5× slower, when they are missing): the build fails otherwise.
//
// One change to `yaml` on the way in: its composer reads `process.env.LOG_STREAM` (a
// debugging switch) for every document it composes — a chunk, in the engine — and a read
// of process.env is a call into Node (~0.14 µs). The bundle reads it once, when the module
// loads. If yaml's text changes so that the read is not found, the build fails rather
// than ship the slower code unnoticed. (yaml's parser read `LOG_TOKENS` for every lexeme,
// ~10% of a parse; the engine now runs the parser scripts/yamlFast.js rewrites, which
// reads it once.)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const dir = path.join(__dirname, '..', 'out', 'server', 'src', 'lsp');

/** Per-token reads of process.env in yaml's sources, each read once per module load instead. */
const ENV_READS = [
  { file: /[\\/]yaml[\\/]dist[\\/]compose[\\/]composer\.js$/, expr: 'node_process.env.LOG_STREAM' },
];

const envOnce = {
  name: 'yaml-env-once',
  setup(build) {
    const seen = new Set();
    build.onLoad({ filter: /[\\/]yaml[\\/]dist[\\/].*\.js$/ }, (args) => {
      const read = ENV_READS.find((r) => r.file.test(args.path));
      if (!read) {
        return undefined;
      }
      const text = fs.readFileSync(args.path, 'utf8');
      if (!text.includes(read.expr)) {
        return { errors: [{ text: `scripts/bundle.js: \`${read.expr}\` is no longer in ${args.path}: check yaml's new text and update ENV_READS` }] };
      }
      seen.add(read.expr);
      const name = read.expr.replace(/\W/g, '_') + '_ONCE';
      // Appended: a `var` is hoisted, and the module's own `node_process` is defined by then.
      return { contents: text.split(read.expr).join(name) + `\nvar ${name} = ${read.expr};\n`, loader: 'js' };
    });
    build.onEnd((result) => {
      const missing = ENV_READS.filter((r) => !seen.has(r.expr));
      if (!result.errors.length && missing.length) {
        result.errors.push({ text: `scripts/bundle.js: not found in the bundle's yaml: ${missing.map((r) => r.expr).join(', ')}` });
      }
    });
  },
};

/**
 * Node modules that vscode-jsonrpc and vscode-languageserver load when they load, for
 * what a server over stdio never does (a random pipe name, `npm config get prefix`):
 * node:crypto (~4.4 ms to load here) and node:child_process (~2 ms beyond node:net).
 * In the bundle, each is a stand-in that loads the module on its first use.
 */
const LAZY_BUILTINS = new Set(['crypto', 'child_process']);

const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({ filter: /^(crypto|child_process)$/ }, (args) => {
      if (args.namespace !== 'file' || !/[\\/]node_modules[\\/]vscode-(jsonrpc|languageserver)[\\/]/.test(args.importer) || !LAZY_BUILTINS.has(args.path)) {
        return undefined;
      }
      return { path: args.path, namespace: 'lazy-builtin' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let m;
const load = () => (m ??= require(${JSON.stringify(args.path)}));
module.exports = new Proxy({}, {
  get: (_, k) => load()[k],
  has: (_, k) => k in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, k) => {
    const d = Object.getOwnPropertyDescriptor(load(), k);
    return d && { ...d, configurable: true };
  },
});
`,
      loader: 'js',
      resolveDir: __dirname,
    }));
  },
};

/**
 * The command's bundle starts the worker's bundle: parallel.ts's default worker script,
 * `worker.js` beside it, becomes `worker.bundle.js`. The build fails if the text is gone.
 */
const WORKER_SCRIPT = "path.join(__dirname, 'worker.js')";
const workerBundle = {
  name: 'worker-bundle',
  setup(build) {
    let seen = false;
    build.onLoad({ filter: /[\\/]cli[\\/]parallel\.js$/ }, (args) => {
      const text = fs.readFileSync(args.path, 'utf8');
      if (!text.includes(WORKER_SCRIPT)) {
        return { errors: [{ text: `scripts/bundle.js: \`${WORKER_SCRIPT}\` is no longer in ${args.path}: update workerBundle` }] };
      }
      seen = true;
      return { contents: text.split(WORKER_SCRIPT).join("path.join(__dirname, 'worker.bundle.js')"), loader: 'js' };
    });
    build.onEnd((result) => {
      if (!result.errors.length && !seen) {
        result.errors.push({ text: 'scripts/bundle.js: cli/parallel.js is not in the command\'s bundle' });
      }
    });
  },
};

/** The command's bundle leaves out the language server's modules: `ddr lsp` loads server.bundle.js. */
const serverOutside = {
  name: 'server-outside',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/lsp\/server$/ }, (args) => (/[\\/]cli[\\/]main\.js$/.test(args.importer) ? { path: args.path, external: true } : undefined));
  },
};

/** Fails a bundle that lacks the rewritten lexer and parser (fastYaml.ts would run yaml's own). */
const FAST_YAML = ['fastLexer.js', 'fastParser.js'];
function checkFastYaml(result, outfile) {
  const inputs = Object.keys(result.metafile?.outputs[path.relative(process.cwd(), outfile)]?.inputs ?? {});
  const missing = FAST_YAML.filter((f) => !inputs.some((i) => i.endsWith('/yaml/' + f)));
  if (missing.length) {
    console.error(`scripts/bundle.js: ${path.basename(outfile)} lacks ${missing.join(', ')}: run scripts/yamlFast.js first`);
    process.exit(1);
  }
}

const cli = path.join(__dirname, '..', 'out', 'server', 'src', 'cli');
const BUNDLES = [
  { entry: path.join(dir, 'server.js'), outfile: path.join(dir, 'server.bundle.js'), plugins: [envOnce, lazyBuiltins] },
  { entry: path.join(cli, 'main.js'), outfile: path.join(cli, 'main.bundle.js'), plugins: [envOnce, workerBundle, serverOutside] },
  { entry: path.join(cli, 'worker.js'), outfile: path.join(cli, 'worker.bundle.js'), plugins: [envOnce] },
];

Promise.all(
  BUNDLES.map(async (b) => {
    const result = await esbuild.build({
      entryPoints: [b.entry],
      outfile: b.outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // Not minified: a stack trace in the server's log keeps readable names, and minifying
      // made start-up no faster (V8 pre-parses either in about the same time).
      minify: false,
      // For `node --enable-source-maps`: stack traces in TypeScript positions. Node reads the
      // map only with that flag, so it costs nothing otherwise. (The npm package leaves the
      // maps out.)
      sourcemap: 'linked',
      plugins: b.plugins,
      metafile: true,
      logLevel: 'warning',
    });
    checkFastYaml(result, b.outfile);
  }),
).catch(() => {
  // esbuild has printed the errors.
  process.exit(1);
});
