// The language server as the extension starts it (Node, over IPC): the server's bundle
// (scripts/bundle.js: out/server/src/lsp/server.bundle.js) loaded with its V8 code cache,
// as `ddr lsp` loads it, but without the CLI around it, so that the VSIX needs neither the
// CLI's modules nor node_modules (scripts/package.js bundles this file into the VSIX).
// The client passes DDR_CODE_CACHE, the extension's global storage folder: an installed
// extension's own folder is not the place to write a cache into.
// Without the bundle (after `tsc` alone) the server's modules are loaded as they are.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadBundle } from '../../server/src/lsp/bundleLoader';

type Server = { startServer(argv: string[], options?: { codeCache?: ReturnType<typeof loadBundle>['cache'] }): void };

const lspDir = path.join(__dirname, '..', '..', 'server', 'src', 'lsp');
const bundle = path.join(lspDir, 'server.bundle.js');
const argv = process.argv.slice(2);

if (fs.existsSync(bundle)) {
  const { exports, cache } = loadBundle<Server>(bundle);
  exports.startServer(argv, { codeCache: cache });
} else {
  // A computed path, so that a bundler leaves this require alone.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(path.join(lspDir, 'server.js')) as Server).startServer(argv);
}
