// Restricted Mode (issue 14): the folder opened as a fresh clone opens in VS Code, with
// workspace trust on (code-server without --disable-workspace-trust), the trust dialog
// answered "No". The extension is installed from the VSIX (`--install-extension`, not
// loaded as under development), as a user has it. The design must show its diagnostics:
// the language mode, a squiggle at each finding, the Problems panel's rows.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const cs = require('./codeserver');
const { editorHelpers, T } = require('./editor');

const out = (p) => require(path.join(cs.ROOT, 'out', p));
const { analyze } = out('server/src/engine/analyze.js');
const { LineMap } = out('server/src/engine/positions.js');

const EXAMPLE = 'timeouts.design.yaml';

async function runRestricted({ chromium, launchOptions, bin, vsix, runDir, folder, artifacts, log = console.log }) {
  fs.mkdirSync(runDir, { recursive: true });
  log(`installing ${path.basename(vsix)}: ${cs.installVsix({ bin, runDir, vsix }).split('\n').pop()}`);
  const server = await cs.start({ bin, runDir, folder, trust: 'ask', settings: { 'git.enabled': false } });
  log(`code-server with workspace trust on ${server.host}:${server.port} (pid ${server.pid})`);
  const browser = await chromium.launch(launchOptions);
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  let step = 0;
  const shot = async (name) => {
    const file = path.join(artifacts, `restricted-${String(++step).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file });
    log(`screenshot ${path.basename(file)}`);
  };
  const { press, goTo, waitLine, squiggleAt, openFromExplorer } = editorHelpers(page);
  try {
    await server.open(page, server.url(folder));
    // The trust dialog, as for any folder opened the first time.
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'trust the authors' });
    await dialog.waitFor({ timeout: 60_000 });
    await shot('trust-dialog');
    await dialog.locator('.monaco-button', { hasText: /^No, I don.t trust the authors$/ }).click();
    await dialog.waitFor({ state: 'hidden', timeout: T });
    await page.locator('#workbench\\.parts\\.statusbar').getByText('Restricted Mode').first().waitFor({ timeout: T });

    const text = fs.readFileSync(path.join(folder, EXAMPLE), 'utf8');
    const map = new LineMap(text);
    const findings = analyze(text).findings.map((f) => {
      const r = map.range(f.range);
      return { ...f, line: r.start.line + 1, col: r.start.character + 1, endLine: r.end.line + 1, endCol: r.end.character + 1 };
    });
    assert.ok(findings.length > 0, `${EXAMPLE} has no findings to show`);
    await openFromExplorer(EXAMPLE);
    await page.locator('#status\\.editor\\.mode').getByText('Distributed Design').waitFor({ timeout: T });
    for (const f of findings) {
      await goTo(f.line, f.col);
      await waitLine(f.line, (i) => squiggleAt(i, f), `Restricted Mode: no ${f.severity} squiggle at ${f.line}:${f.col} for ${f.ruleId}`);
    }
    await press('Control+Shift+M');
    const markers = page.locator('.markers-panel');
    await markers.waitFor({ timeout: T });
    await page.locator('.viewpane-filter input, .markers-panel-action-filter input').first().fill(`**/${EXAMPLE}`);
    for (const f of findings) {
      await markers.locator('.monaco-list-row', { hasText: `[Ln ${f.line}, Col ${f.col}]` }).filter({ hasText: f.ruleId }).first().waitFor({ timeout: T });
    }
    await shot('diagnostics');
    log(`Restricted Mode: ${findings.length} findings shown`);
  } catch (e) {
    await page.screenshot({ path: path.join(artifacts, 'failure-restricted.png') }).catch(() => undefined);
    throw e;
  } finally {
    await browser.close();
    server.stop();
  }
}

module.exports = { runRestricted };
