#!/usr/bin/env node
// `npm run package` (after `npm run build`): writes distributed-design-review-<version>.vsix,
// the extension as users install it (`code --install-extension <file>`).
//
// - The client (out/client/src/extension.js and what it imports: vscode-languageclient, the
//   rule registry) and the server's entry (out/client/src/serverMain.js) are bundled with
//   esbuild, `vscode` left external; the server itself is the bundle `npm run build`
//   already makes (scripts/bundle.js, out/server/src/lsp/server.bundle.js, with yaml and
//   the rewritten lexer and parser inside). The VSIX needs no node_modules.
// - The VSIX holds what .vscodeignore allows, nothing else: it is an allow-list (`**`, then
//   `!path` lines). This script copies exactly those files into a staging folder, with the
//   bundles at their paths, and runs vsce there: vsce never walks the repository (its
//   caches, node_modules, the code-server the tests install).
// - Prints the VSIX's files and size; fails when they pass the targets (FILE_LIMIT,
//   SIZE_LIMIT: issue 14). test/vsix.e2e.test.ts checks the same.
// Usage: node scripts/package.js [--out <file.vsix>]; or require it: packageVsix(), unpackExtension().
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const FILE_LIMIT = 40;
const SIZE_LIMIT = 1.5 * 1024 * 1024;
/** The files the bundler writes into the stage: the allow-list must name each. */
const BUNDLED = {
  'out/client/src/extension.js': 'client',
  'out/client/src/serverMain.js': 'client',
  'out/server/src/lsp/server.bundle.js': 'copy',
};

function fail(message) {
  throw new Error(message);
}

/** The `!` lines of .vscodeignore: paths relative to the root, `*` within one segment at most. */
function allowList() {
  const file = path.join(ROOT, '.vscodeignore');
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (lines[0] !== '**') {
    fail('.vscodeignore must start with `**` (everything left out) and allow files with `!path` lines');
  }
  const allowed = lines.slice(1).map((l) => {
    if (!l.startsWith('!')) {
      fail(`.vscodeignore: \`${l}\`: after \`**\` every line allows a path (\`!path\`)`);
    }
    const p = l.slice(1);
    if (/\*\*|[?[\]{}]/.test(p) || p.startsWith('/')) {
      fail(`.vscodeignore: \`${l}\`: only plain paths and \`*\` within a file name are supported here`);
    }
    return p;
  });
  return allowed;
}

/** The files of the repository an allowed pattern names (a missing optional file: none). */
function filesOf(pattern) {
  const dir = path.posix.dirname(pattern);
  const base = path.posix.basename(pattern);
  if (!base.includes('*')) {
    return fs.existsSync(path.join(ROOT, pattern)) ? [pattern] : [];
  }
  const re = new RegExp(`^${base.split('*').map((s) => s.replace(/[.+^$()|\\]/g, '\\$&')).join('[^/]*')}$`);
  const abs = path.join(ROOT, dir);
  return fs.existsSync(abs)
    ? fs
        .readdirSync(abs)
        .filter((f) => re.test(f) && fs.statSync(path.join(abs, f)).isFile())
        .sort()
        .map((f) => path.posix.join(dir, f))
    : [];
}

/**
 * The server's entry needs bundleLoader.ts and, from cli/io.ts, only writeWhole; io.ts
 * requires the rule registry lazily for messages the entry never prints. Left in, the
 * whole engine would ride along a second time (the server's bundle has it): a stub that
 * says so if it is ever reached.
 */
const noRegistry = {
  name: 'no-registry',
  setup(build) {
    build.onResolve({ filter: /[\\/]engine[\\/]registry$/ }, (args) =>
      /[\\/]cli[\\/]io\.js$/.test(args.importer) ? { path: args.path, namespace: 'no-registry' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'no-registry' }, () => ({
      contents: 'throw new Error("the rule registry is not part of the language server\'s entry (scripts/package.js)");',
      loader: 'js',
    }));
  },
};

async function bundleClient(entry, outfile) {
  const esbuild = require('esbuild');
  await esbuild.build({
    plugins: entry.endsWith('serverMain.js') ? [noRegistry] : [],
    entryPoints: [path.join(ROOT, entry)],
    outfile,
    bundle: true,
    external: ['vscode'],
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // Whitespace and syntax only: names stay, so a stack trace in the log stays readable.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
}

/** The repository's web address, for vsce to turn README's relative links into. */
function repositoryUrl(pkg) {
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (repo) {
    return repo.replace(/^git\+/, '').replace(/\.git$/, '');
  }
  // The rule documentation's repository (server/src/engine/rule.ts, DOCS_BASE_URL).
  const { DOCS_BASE_URL } = require(path.join(ROOT, 'out', 'server', 'src', 'engine', 'rule.js'));
  return DOCS_BASE_URL.replace(/\/blob\/.*$/, '');
}

/** The entries of a zip file (its central directory): names and sizes. */
function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) {
    eocd--;
  }
  if (eocd < 0) {
    throw new Error(`${file} is not a zip file`);
  }
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const method = buf.readUInt16LE(at + 10);
    const offset = buf.readUInt32LE(at + 42);
    entries.push({ name: buf.toString('utf8', at + 46, at + 46 + nameLen), size, compressed, method, offset });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * Unpacks a VSIX's `extension/` folder into `dir` (what `code --install-extension` puts in
 * the extensions folder), so that a workbench can load it as the extension under
 * development. Returns `dir`.
 */
function unpackExtension(file, dir) {
  const zlib = require('node:zlib');
  const buf = fs.readFileSync(file);
  const root = path.resolve(dir);
  for (const e of zipEntries(file)) {
    if (!e.name.startsWith('extension/') || e.name.endsWith('/')) {
      continue;
    }
    const dest = path.resolve(root, e.name.slice('extension/'.length));
    if (!dest.startsWith(root + path.sep)) {
      throw new Error(`${file}: ${e.name} would be written outside ${dir}`);
    }
    const nameLen = buf.readUInt16LE(e.offset + 26);
    const extraLen = buf.readUInt16LE(e.offset + 28);
    const start = e.offset + 30 + nameLen + extraLen;
    const data = buf.subarray(start, start + e.compressed);
    const bytes = e.method === 0 ? data : e.method === 8 ? zlib.inflateRawSync(data) : undefined;
    if (!bytes || bytes.length !== e.size) {
      throw new Error(`${file}: cannot unpack ${e.name} (method ${e.method})`);
    }
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, bytes);
  }
  return root;
}

/** The VSIX's path for this version: distributed-design-review-<version>.vsix at the root. */
function vsixPath() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
}

/**
 * Writes the VSIX (after `npm run build`) and returns { file, entries, bytes }; throws
 * what failed, including files or size past the targets.
 */
async function packageVsix({ out = vsixPath(), log = console.log } = {}) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  for (const f of [pkg.main.replace(/^\.\//, ''), 'out/client/src/serverMain.js', 'out/server/src/lsp/server.bundle.js']) {
    if (!fs.existsSync(path.join(ROOT, f))) {
      fail(`${f} is missing: run \`npm run build\` first`);
    }
  }
  const allowed = allowList();
  for (const b of Object.keys(BUNDLED)) {
    if (!allowed.includes(b)) {
      fail(`.vscodeignore does not allow ${b}, which the extension needs`);
    }
  }
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-vsix-'));
  try {
    fs.copyFileSync(path.join(ROOT, '.vscodeignore'), path.join(stage, '.vscodeignore'));
    for (const pattern of allowed) {
      if (pattern in BUNDLED) {
        const dest = path.join(stage, pattern);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        if (BUNDLED[pattern] === 'client') {
          await bundleClient(pattern, dest);
        } else {
          fs.copyFileSync(path.join(ROOT, pattern), dest);
        }
        continue;
      }
      for (const f of filesOf(pattern)) {
        fs.mkdirSync(path.join(stage, path.dirname(f)), { recursive: true });
        fs.copyFileSync(path.join(ROOT, f), path.join(stage, f));
      }
    }
    const repo = repositoryUrl(pkg);
    const args = [
      require.resolve('@vscode/vsce/vsce'),
      'package',
      '--no-dependencies',
      '--no-update-package-json',
      '--baseContentUrl', `${repo}/blob/main`,
      '--baseImagesUrl', `${repo}/raw/main`,
      '--out', out,
    ];
    if (!fs.existsSync(path.join(stage, 'LICENSE'))) {
      // vsce would stop and ask; the package says its license in package.json.
      args.push('--skip-license');
    }
    const r = spawnSync(process.execPath, args, { cwd: stage, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) {
      fail(`vsce package failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    }
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  const entries = zipEntries(out);
  const bytes = fs.statSync(out).size;
  log(`${path.relative(process.cwd(), out)}: ${entries.length} files, ${(bytes / 1024).toFixed(0)} KB`);
  for (const e of entries) {
    log(`  ${e.name.padEnd(50)} ${String(Math.round(e.size / 1024)).padStart(5)} KB`);
  }
  if (entries.length > FILE_LIMIT || bytes > SIZE_LIMIT) {
    fail(`the VSIX passes its targets (at most ${FILE_LIMIT} files and ${SIZE_LIMIT / 1024 / 1024} MB): ${entries.length} files, ${(bytes / 1024 / 1024).toFixed(2)} MB`);
  }
  return { file: out, entries, bytes };
}

if (require.main === module) {
  const at = process.argv.indexOf('--out');
  packageVsix(at > 0 ? { out: path.resolve(process.argv[at + 1]) } : {}).catch((e) => {
    console.error(`npm run package: ${e && e.message ? e.message : e}`);
    process.exit(1);
  });
}

module.exports = { packageVsix, vsixPath, zipEntries, unpackExtension, FILE_LIMIT, SIZE_LIMIT };
