// Runs the in-host suite (out/client/test) inside code-server's extension host, exactly as
// @vscode/test-electron does with extensionTestsPath: the workbench loads the extension
// from `extensionPath` (the unpacked VSIX), calls the suite's run(), and reports the exit code through
// window.codeAutomationExit (0: passed).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./codeserver');

async function runInHost({ chromium, launchOptions, server, folder, artifacts, extensionPath, log = console.log, timeoutMs = 420_000 }) {
  const tests = path.join(ROOT, 'out', 'client', 'test');
  const browser = await chromium.launch(launchOptions);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let exit;
    const done = new Promise((resolve) => {
      exit = resolve;
    });
    // The screenshot is taken when the suite has finished its cases, while the extension
    // is still active: the suite waits for it (a marker file asks it to, another tells it
    // the picture is taken). Once the suite returns, the extension host winds down.
    const shotPath = path.join(artifacts, '00-in-host-suite.png');
    let shot;
    const screenshot = () => (shot ??= page.screenshot({ path: shotPath }).catch((e) => log(`no screenshot: ${e.message}`)));
    await page.exposeFunction('codeAutomationExit', async (code) => {
      await screenshot();
      exit(code);
    });
    // The extension host's console reaches us here; the suite's own lines are prefixed.
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const text = [].concat(args).map(String).join(' ');
      const at = text.indexOf('[in-host]');
      if (at >= 0 || text.includes('IN-HOST')) {
        log(at >= 0 ? text.slice(at) : text.trim());
      }
      if (text.includes('[in-host] waiting for the screenshot')) {
        return screenshot().then(() => fs.writeFileSync(path.join(folder, '.ddr-e2e-screenshot-taken'), ''));
      }
    });
    fs.writeFileSync(path.join(folder, '.ddr-e2e-screenshot-wanted'), '');
    await server.open(page, server.url(folder, { extensionPath, testsPath: tests }));
    let timer;
    const code = await Promise.race([done, new Promise((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
    clearTimeout(timer);
    if (code !== 0) {
      throw new Error(`the in-host suite ${code === 'timeout' ? `did not finish within ${timeoutMs / 1000} s` : `failed (exit code ${code})`}`);
    }
  } finally {
    await browser.close();
  }
}

module.exports = { runInHost };
