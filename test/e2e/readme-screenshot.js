// Renders docs/images/workbench.png, the README's picture of the extension: a bundled
// example with its squiggles, a finding's hover, the review checklist and the status bar,
// in code-server, from the VSIX, as `npm start` shows it. Usage (after `npm run build`):
//   node test/e2e/readme-screenshot.js
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const cs = require('./codeserver');

const OUT = path.join(cs.ROOT, 'docs', 'images', 'workbench.png');
const EXAMPLE = 'timeouts.design.yaml';

async function main() {
  const bin = cs.install();
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-shot-'));
  const folder = path.join(runDir, 'examples');
  fs.cpSync(path.join(cs.ROOT, 'examples'), folder, { recursive: true });
  const { packageVsix, unpackExtension } = require(path.join(cs.ROOT, 'scripts', 'package.js'));
  const { file } = await packageVsix({ out: path.join(runDir, 'ddr.vsix'), log: () => undefined });
  const extensionPath = unpackExtension(file, path.join(runDir, 'extension'));
  const server = await cs.start({ bin, runDir, folder, settings: { 'git.enabled': false, 'editor.minimap.enabled': false } });
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'], env: cs.isolatedEnv(runDir) });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    await server.open(page, server.url(folder, { extensionPath }));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: EXAMPLE }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.dblclick();
    await page.locator('#status\\.editor\\.mode').getByText('Distributed Design').waitFor({ timeout: 30_000 });
    await page.locator('.activitybar .action-item', { has: page.locator('a[aria-label^="Design Review"]') }).first().click({ position: { x: 8, y: 8 } });
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Design Review' }) });
    await view.locator('.monaco-list-row[aria-label^="Timeouts, "]').first().waitFor({ timeout: 30_000 });
    const side = await page.locator('.part.sidebar').boundingBox();
    await page.mouse.move(side.x + side.width + 1, side.y + side.height / 2);
    await page.mouse.down();
    await page.mouse.move(side.x + side.width + 190, side.y + side.height / 2, { steps: 5 });
    await page.mouse.up();
    await view.locator('.monaco-list-row[aria-label^="Timeouts, "]').first().click();
    await view.locator('.monaco-list-row', { hasText: 'TMO002' }).first().click();
    await page.locator('.part.editor .squiggly-error').first().waitFor({ timeout: 30_000 });
    // Hover the finding the checklist revealed.
    const target = page.locator('.part.editor .view-line span', { hasText: /^fail$/ }).first();
    const box = await target.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('.monaco-hover:not(.hidden)').getByText('TMO002 timeout-treated-as-failure').first().waitFor({ timeout: 30_000 });
    // The hover fades in: let it settle before the picture.
    await page.waitForTimeout(1000);
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    await page.screenshot({ path: OUT });
    console.log(`wrote ${path.relative(cs.ROOT, OUT)}`);
  } finally {
    await browser.close();
    server.stop();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
