// Runs the in-host suite (out/client/test) inside code-server's extension host, exactly as
// @vscode/test-electron does with extensionTestsPath: the workbench loads the extension
// from source, calls the suite's run(), and reports the exit code through
// window.codeAutomationExit (0: passed).
'use strict';
const path = require('node:path');
const { ROOT } = require('./codeserver');

async function runInHost({ chromium, launchOptions, server, folder, artifacts, log = console.log, timeoutMs = 180_000 }) {
  const tests = path.join(ROOT, 'out', 'client', 'test');
  const browser = await chromium.launch(launchOptions);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let exit;
    const done = new Promise((resolve) => {
      exit = resolve;
    });
    // The workbench closes once it reports the exit code: the screenshot is taken first.
    await page.exposeFunction('codeAutomationExit', async (code) => {
      await page.screenshot({ path: path.join(artifacts, '00-in-host-suite.png') }).catch((e) => log(`no screenshot: ${e.message}`));
      exit(code);
    });
    // The extension host's console reaches us here; the suite's own lines are prefixed.
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const text = [].concat(args).map(String).join(' ');
      const at = text.indexOf('[in-host]');
      if (at >= 0 || text.includes('IN-HOST')) {
        log(at >= 0 ? text.slice(at) : text.trim());
      }
    });
    await page.goto(server.url(folder, { testsPath: tests }));
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
