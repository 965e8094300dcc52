// "Readable" (issue 14): for each rule, its documented example (the design its page shows
// as "Reported", rule.docs.example.bad) opened in the workbench with the pointer on the
// rule's finding: the hover's content fits at VS Code's default hover size, with no
// scrolling (scroll height ≤ client height). Every rule of the registry, not a sample.
// The measurements go to test-artifacts/e2e/hover-fit.json; a screenshot of the first
// hover and of every hover that does not fit.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./codeserver');
const { editorHelpers, T } = require('./editor');

const out = (p) => require(path.join(ROOT, 'out', p));
const { analyze } = out('server/src/engine/analyze.js');
const { LineMap } = out('server/src/engine/positions.js');
const { RULES } = out('server/src/engine/registry.js');

/** Each rule's example and where its own finding is (1-based lines and columns). */
function examples() {
  return RULES.map((rule) => {
    const text = rule.docs.example.bad;
    const map = new LineMap(text);
    const f = analyze(text).findings.find((x) => x.ruleId === rule.id);
    if (!f) {
      return { rule, text, finding: undefined };
    }
    const r = map.range(f.range);
    return {
      rule,
      text,
      finding: { ...f, line: r.start.line + 1, col: r.start.character + 1, endLine: r.end.line + 1, endCol: r.end.character + 1 },
    };
  });
}

async function runReadable({ chromium, launchOptions, server, folder, artifacts, extensionPath, log = console.log }) {
  const all = examples();
  const missing = all.filter((e) => !e.finding).map((e) => e.rule.id);
  assert.deepEqual(missing, [], 'rules whose documented example has no finding of theirs');
  fs.mkdirSync(folder, { recursive: true });
  for (const e of all) {
    fs.writeFileSync(path.join(folder, `${e.rule.id}.design.yaml`), e.text);
  }
  const browser = await chromium.launch(launchOptions);
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  const { press, quickInput, goTo, waitLine, squiggleAt } = editorHelpers(page);
  const hover = page.locator('.monaco-hover:not(.hidden)');
  const results = [];
  try {
    await server.open(page, server.url(folder, { extensionPath }));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const t0 = Date.now();
    for (const { rule, finding: f } of all) {
      const name = `${rule.id}.design.yaml`;
      await press('Control+P');
      await quickInput.locator('input').fill(name);
      await quickInput.locator('.monaco-list-row', { hasText: name }).first().waitFor({ timeout: T });
      await press('Enter');
      await page.locator('.part.editor .tab.active', { hasText: name }).waitFor({ timeout: T });
      await goTo(f.line, f.col);
      const info = await waitLine(f.line, (i) => squiggleAt(i, f), `${rule.id}: no ${f.severity} squiggle at ${f.line}:${f.col}`);
      // The pointer in the middle of the finding's first line.
      const end = f.endLine === f.line ? f.endCol - 1 : info.text.length;
      const x = (info.xs[f.col - 1] + info.xs[Math.max(f.col, end)]) / 2;
      await page.mouse.move(x, info.y);
      // The server's part of the hover names the rule (id and name); the diagnostic's own
      // part (VS Code's) names only the id. Wait for the whole hover, loaded.
      await hover.filter({ hasText: rule.name }).first().waitFor({ timeout: T });
      // It lays itself out once its content is in: measure when two looks agree. Every
      // scroll container in it counts (the hover's own, and the diagnostic part's).
      let m;
      for (let i = 0; i < 30; i++) {
        await page.waitForTimeout(100);
        const next = await hover.first().evaluate((h) => {
          let worst = { scrollHeight: 0, clientHeight: 0, over: -Infinity };
          for (const e of [h, ...h.querySelectorAll('*')]) {
            const oy = getComputedStyle(e).overflowY;
            if ((oy === 'hidden' || oy === 'auto' || oy === 'scroll') && e.clientHeight > 0) {
              const over = e.scrollHeight - e.clientHeight;
              if (over > worst.over) {
                worst = { scrollHeight: e.scrollHeight, clientHeight: e.clientHeight, over, element: e.className };
              }
            }
          }
          const box = h.getBoundingClientRect();
          return { ...worst, hoverHeight: Math.round(box.height), hoverWidth: Math.round(box.width), loading: /Loading\.\.\./.test(h.textContent), text: h.textContent.slice(0, 300) };
        });
        if (!next.loading && m && m.scrollHeight === next.scrollHeight && m.clientHeight === next.clientHeight) {
          m = next;
          break;
        }
        m = next;
      }
      const fits = m.over <= 1;
      results.push({ rule: rule.id, line: f.line, col: f.col, fits, ...m });
      if (!fits || results.length === 1) {
        const file = path.join(artifacts, `hover-${rule.id}${fits ? '' : '-does-not-fit'}.png`);
        await page.screenshot({ path: file });
        log(`screenshot ${path.basename(file)}`);
      }
      await page.mouse.move(5, 5);
      await press('Escape');
      await hover.first().waitFor({ state: 'hidden', timeout: T }).catch(() => undefined);
      // Close the design again: 54 open editors would slow the workbench down.
      await press('Control+W');
    }
    log(`hovers of ${results.length} rules' examples measured in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } catch (e) {
    await page.screenshot({ path: path.join(artifacts, 'failure-readable.png') }).catch(() => undefined);
    throw e;
  } finally {
    fs.writeFileSync(path.join(artifacts, 'hover-fit.json'), JSON.stringify(results, null, 2));
    await browser.close();
  }
  const overflow = results.filter((r) => !r.fits).map((r) => `${r.rule}: ${r.scrollHeight} > ${r.clientHeight} px (${r.element})`);
  assert.deepEqual(overflow, [], `hovers that need scrolling at the default hover size (test-artifacts/e2e/hover-fit.json)`);
  return results;
}

module.exports = { runReadable, examples };
