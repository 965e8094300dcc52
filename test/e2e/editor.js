// Driving the editor of the workbench (VS Code 1.100's DOM, docs/e2e.md), shared by the
// workbench steps (ui.js), the readability checks (readable.js) and the Restricted Mode
// run (restricted.js).
'use strict';

const T = 30_000;

function editorHelpers(page) {
  const editor = page.locator('.part.editor .editor-group-container.active .monaco-editor').first();

  /** Geometry of one line of the active editor: x of every column, token colours, squiggles. */
  const lineInfo = (line) =>
    page.evaluate((line) => {
      const ed = document.querySelector('.part.editor .editor-group-container.active .monaco-editor');
      if (!ed) {
        return null;
      }
      const num = [...ed.querySelectorAll('.margin-view-overlays .line-numbers')].find((n) => n.textContent.trim() === String(line));
      if (!num) {
        return null;
      }
      const top = num.parentElement.style.top;
      const vl = [...ed.querySelectorAll('.view-lines .view-line')].find((v) => v.style.top === top);
      if (!vl) {
        return null;
      }
      const xs = [];
      const walker = document.createTreeWalker(vl, NodeFilter.SHOW_TEXT);
      let text = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (let i = 0; i < n.data.length; i++) {
          const r = document.createRange();
          r.setStart(n, i);
          r.setEnd(n, i + 1);
          const b = r.getBoundingClientRect();
          xs.push(b.left);
          text += n.data[i];
          if (i === n.data.length - 1) {
            xs.lastRight = b.right;
          }
        }
      }
      xs.push(xs.lastRight ?? vl.getBoundingClientRect().left);
      const y = vl.getBoundingClientRect().top + vl.getBoundingClientRect().height / 2;
      const tokens = [...vl.querySelectorAll('span > span')].map((s) => ({ text: s.textContent, color: getComputedStyle(s).color }));
      const squiggles = [...ed.querySelectorAll('.view-overlays > div')]
        .filter((d) => d.style.top === top)
        .flatMap((d) => [...d.querySelectorAll('[class*="squiggly-"]')])
        .map((e) => {
          const b = e.getBoundingClientRect();
          return { cls: e.className, left: b.left, right: b.right };
        });
      return { text: text.replace(/\u00a0/g, ' '), xs: [...xs], y, tokens, squiggles };
    }, line);

  const press = async (...keys) => {
    for (const k of keys) {
      await page.keyboard.press(k);
    }
  };
  const quickInput = page.locator('.quick-input-widget');
  // A click inside the editor's visible box (not on .view-lines, which is as tall as the
  // file: scrolling it into view would scroll the editor's DOM).
  const focusEditor = async () => {
    const box = await editor.boundingBox();
    await page.mouse.click(box.x + box.width * 0.6, box.y + 12);
  };
  const goTo = async (line, col = 1) => {
    await focusEditor();
    await press('Control+G');
    await quickInput.locator('input').fill(`:${line}:${col}`);
    await press('Enter');
    await quickInput.waitFor({ state: 'hidden' });
    await page.locator('#status\\.editor\\.selection').getByText(`Ln ${line}, Col ${col}`).waitFor({ timeout: T });
  };
  const waitLine = async (line, pred, what) => {
    const end = Date.now() + T;
    let info;
    while (Date.now() < end) {
      info = await lineInfo(line);
      if (info && pred(info)) {
        return info;
      }
      await page.waitForTimeout(100);
    }
    throw new Error(`line ${line}: ${what}; last seen ${JSON.stringify(info && { text: info.text, squiggles: info.squiggles })}`);
  };
  const squiggleAt = (info, f) => {
    const cls = `squiggly-${f.severity}`;
    const left = info.xs[f.col - 1];
    const right = info.xs[f.endLine === f.line ? f.endCol - 1 : info.text.length];
    return info.squiggles.some((s) => s.cls.includes(cls) && Math.abs(s.left - left) <= 2 && Math.abs(s.right - right) <= 2);
  };
  const openFromExplorer = async (name) => {
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ timeout: T });
    await row.dblclick();
    await page.locator('.part.editor .tab.active', { hasText: name }).waitFor({ timeout: T });
  };
  return { editor, lineInfo, press, quickInput, focusEditor, goTo, waitLine, squiggleAt, openFromExplorer };
}

module.exports = { editorHelpers, T };
