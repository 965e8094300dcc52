// The workbench, driven as a user drives it (VS Code 1.100's DOM, see docs/e2e.md), on a
// copy of examples/. What each step expects comes from the engine (analyze, fixesFor, the
// schema and the registry), so the test checks what the user sees against what the engine
// says, at exact lines and columns. One screenshot per step, in test-artifacts/e2e/.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('./codeserver');
const { editorHelpers, T } = require('./editor');

const out = (p) => require(path.join(ROOT, 'out', p));
const { analyze, fixesFor } = out('server/src/engine/analyze.js');
const { LineMap } = out('server/src/engine/positions.js');
const { RULES_BY_ID } = out('server/src/engine/registry.js');
const { SCHEMA } = out('server/src/engine/schema.js');
const { AREAS, AREA_TITLES, applyEdits } = out('server/src/engine/types.js');
const YAML = require('yaml');

/** The bundled example the test opens: one finding of each timeout rule, all severities. */
const EXAMPLE = 'timeouts.design.yaml';
const SNIPPET_FILE = 'snippet-typed.design.yaml';

function findingsOf(text) {
  const map = new LineMap(text);
  return analyze(text).findings.map((f) => {
    const r = map.range(f.range);
    return { ...f, line: r.start.line + 1, col: r.start.character + 1, endLine: r.end.line + 1, endCol: r.end.character + 1 };
  });
}

function enumDoc(value) {
  for (const spec of Object.values(SCHEMA)) {
    for (const k of spec.keys) {
      const v = k.type.t === 'enum' && k.type.values.find((x) => x.value === value);
      if (v) {
        return v;
      }
    }
  }
  throw new Error(`no enum value ${value} in the schema`);
}

/**
 * The rows of the Design Review view whose text is cut short (an ellipsis): label or
 * description wider than the room the row gives them. Measured with the pointer away and
 * the focus in the editor, as a person reads the view while working (a hovered or focused
 * row also shows its inline actions).
 */
async function truncatedRows(page, view) {
  return view.evaluate((el) =>
    [...el.querySelectorAll('.monaco-list-row')].map((row) => {
      const c = row.querySelector('.monaco-icon-label-container');
      return { row: row.getAttribute('aria-label'), text: c ? c.textContent : '', scrollWidth: c ? c.scrollWidth : 0, clientWidth: c ? c.clientWidth : 0 };
    }),
  );
}

async function runUi({ chromium, launchOptions, server, folder, artifacts, extensionPath, log = console.log }) {
  const examplePath = path.join(folder, EXAMPLE);
  assert.ok(fs.existsSync(examplePath), `examples/${EXAMPLE} is missing: the e2e test opens it`);
  fs.writeFileSync(path.join(folder, SNIPPET_FILE), '');
  const original = fs.readFileSync(examplePath, 'utf8');
  const findings = findingsOf(original);
  assert.ok(['error', 'warning', 'info'].every((s) => findings.some((f) => f.severity === s)), `${EXAMPLE} should have findings of every severity`);

  const browser = await chromium.launch(launchOptions);
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  let step = 0;
  const shot = async (name) => {
    step++;
    const file = path.join(artifacts, `${String(step).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file });
    log(`screenshot ${path.basename(file)}`);
  };
  const { editor, lineInfo, press, quickInput, focusEditor, goTo, waitLine, squiggleAt, openFromExplorer } = editorHelpers(page);
  const diskText = (name) => fs.readFileSync(path.join(folder, name), 'utf8');
  /** Right-click a row and choose an entry of its context menu with the keyboard. */
  const contextAction = async (row, label) => {
    await row.click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.waitFor({ timeout: T });
    const labels = await menu.locator('.action-item:not(.disabled) .action-label').allTextContents();
    const at = labels.findIndex((l) => l.trim() === label);
    assert.ok(at >= 0, `no "${label}" in the context menu: ${labels.join(' | ')}`);
    for (let i = 0; i <= at; i++) {
      await press('ArrowDown');
    }
    await menu.locator('.action-item.focused .action-label', { hasText: label }).waitFor({ timeout: T });
    await press('Enter');
  };

  try {
    await server.open(page, server.url(folder, { extensionPath }));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });

    // 1. A bundled example: the language mode and the highlighting.
    await openFromExplorer(EXAMPLE);
    await page.locator('#status\\.editor\\.mode').getByText('Distributed Design').waitFor({ timeout: T });
    const lineOf = (re) => original.split('\n').findIndex((l) => re.test(l)) + 1;
    const interactionLine = lineOf(/^\s+interaction: interactive\s*$/);
    const hl = await waitLine(interactionLine, (i) => i.tokens.length >= 3, 'tokens');
    const colour = (t) => hl.tokens.find((x) => x.text.trim() === t)?.color;
    const ownersLine = await lineInfo(lineOf(/^owners: \[dispatch-team\]/));
    const plain = ownersLine.tokens.find((x) => x.text === 'dispatch-team')?.color;
    const timeoutLine = await lineInfo(lineOf(/^\s+timeout: 4s$/));
    const duration = timeoutLine.tokens.find((x) => x.text === '4s')?.color;
    assert.ok(colour('interaction') && colour('interactive') && plain && duration, `tokens not found: ${JSON.stringify(hl.tokens)}`);
    assert.notEqual(colour('interactive'), plain, 'an enum value is coloured like a plain string');
    assert.notEqual(colour('interaction'), colour('interactive'), 'a key is coloured like its value');
    assert.notEqual(duration, plain, 'a duration is coloured like a plain string');
    await shot('example-opened-highlighting');

    // 2. A squiggle of the finding's severity at each finding's exact columns.
    for (const f of findings) {
      await goTo(f.line, f.col);
      await waitLine(f.line, (i) => squiggleAt(i, f), `no ${f.severity} squiggle at columns ${f.col}-${f.endCol} for ${f.ruleId}`);
    }
    const tmo002 = findings.find((f) => f.ruleId === 'TMO002');
    assert.ok(tmo002, `${EXAMPLE} should have a TMO002 finding`);
    await goTo(tmo002.line, tmo002.col);
    await shot('squiggles');

    // 3. The Problems panel lists each finding with its rule id and position.
    await press('Control+Shift+M');
    const markers = page.locator('.markers-panel');
    await markers.waitFor({ timeout: T });
    const filter = page.locator('.viewpane-filter input, .markers-panel-action-filter input').first();
    await filter.fill(`**/${EXAMPLE}`);
    for (const f of findings) {
      const row = markers.locator('.monaco-list-row', { hasText: `[Ln ${f.line}, Col ${f.col}]` }).filter({ hasText: f.ruleId });
      await row.first().waitFor({ timeout: T });
      assert.ok((await row.first().textContent()).includes(f.message.slice(0, 40)), `${f.ruleId}: message not shown`);
    }
    // Exactly the example's findings, no more (related information rows are not counted).
    await page.locator('.viewpane-filter-container, .markers-panel-action-filter-container').getByText(new RegExp(`Showing ${findings.length} of \\d+`)).first().waitFor({ timeout: T });
    await shot('problems-panel');
    await filter.fill('');
    await press('Control+J'); // hide the panel

    // 4. Hover over an enum value: the seed's explanation from the schema.
    const backoffLine = lineOf(/^\s+backoff: exponential-jitter\s*$/);
    await goTo(backoffLine, 1);
    let info = await waitLine(backoffLine, (i) => i.text.includes('exponential-jitter'), 'backoff line');
    const at = info.text.indexOf('exponential-jitter');
    await page.mouse.move(info.xs[at + 3], info.y);
    const hover = page.locator('.monaco-hover:not(.hidden)');
    const ej = enumDoc('exponential-jitter');
    await hover.getByText(ej.doc.slice(0, 40)).first().waitFor({ timeout: T });
    await shot('hover-enum-value');
    await page.mouse.move(5, 5);
    await press('Escape');

    // 5. Hover over a finding: the rule's documentation.
    info = await lineInfo(tmo002.line);
    if (!info) {
      await goTo(tmo002.line, tmo002.col);
      info = await lineInfo(tmo002.line);
    }
    await page.mouse.move(info.xs[tmo002.col], info.y);
    const rule = RULES_BY_ID.get('TMO002');
    await hover.getByText(`${rule.id} ${rule.name}`).first().waitFor({ timeout: T });
    await hover.getByText(rule.docs.why.slice(0, 40)).first().waitFor({ timeout: T });
    await hover.getByText(`${rule.id} documentation`).first().waitFor({ timeout: T });
    await shot('hover-finding-rule-doc');
    await page.mouse.move(5, 5);
    await press('Escape');

    // 6. Ctrl+. lists the quick fix; choosing it edits the text as the engine says, keeps
    //    every comment, and the squiggle goes.
    const analysis = analyze(original);
    const engineFinding = analysis.findings.find((f) => f.ruleId === 'TMO002');
    const fix = fixesFor(analysis, engineFinding).find((x) => x.preferred) ?? fixesFor(analysis, engineFinding)[0];
    assert.ok(fix, 'TMO002 offers no fix in the engine');
    const expectedText = applyEdits(original, fix.edits);
    await goTo(tmo002.line, tmo002.col);
    await press('Control+.');
    const actions = page.locator('.action-widget');
    const action = actions.locator('.monaco-list-row', { hasText: fix.title.replace(/`/g, '') }).or(actions.locator('.monaco-list-row', { hasText: fix.title })).first();
    await action.waitFor({ timeout: T });
    await shot('quick-fix-menu');
    // Chosen with the keyboard, as the widget expects (a pointer block covers it until the
    // mouse moves).
    for (let i = 0; i < 12; i++) {
      const focused = await actions.locator('.monaco-list-row.focused').first().getAttribute('aria-label');
      if (focused === fix.title || focused === fix.title.replace(/`/g, '')) {
        break;
      }
      await press('ArrowDown');
    }
    await press('Enter');
    await waitLine(tmo002.line, (i) => !i.squiggles.some((s) => s.cls.includes('squiggly-error')), 'the error squiggle is still there after the fix');
    await press('Control+S');
    const endSave = Date.now() + T;
    while (diskText(EXAMPLE) !== expectedText && Date.now() < endSave) {
      await page.waitForTimeout(100);
    }
    assert.equal(diskText(EXAMPLE), expectedText, 'the quick fix did not give the engine\'s text');
    for (const c of original.split('\n').filter((l) => /#/.test(l)).map((l) => l.slice(l.indexOf('#')))) {
      assert.ok(diskText(EXAMPLE).includes(c), `lost comment: ${c}`);
    }
    await shot('quick-fix-applied');

    // 7. A snippet typed by its prefix expands.
    await openFromExplorer(SNIPPET_FILE);
    await focusEditor();
    await page.keyboard.type('design', { delay: 30 });
    const suggest = page.locator('.suggest-widget');
    await suggest.waitFor({ state: 'visible', timeout: T }).catch(async () => {
      await press('Control+Space');
      await suggest.waitFor({ state: 'visible', timeout: T });
    });
    const item = suggest.locator('.monaco-list-row', { hasText: 'Design skeleton' }).first();
    await item.waitFor({ timeout: T });
    await shot('snippet-suggested');
    await item.click();
    await editor.locator('.view-line', { hasText: 'design: snippet-typed' }).waitFor({ timeout: T });
    await editor.locator('.view-line', { hasText: 'checklist:' }).waitFor({ timeout: T });
    await shot('snippet-expanded');
    await press('Escape', 'Escape', 'Control+S');
    const endSnip = Date.now() + T;
    while (!diskText(SNIPPET_FILE).includes('checklist:') && Date.now() < endSnip) {
      await page.waitForTimeout(100);
    }
    const typed = diskText(SNIPPET_FILE);
    assert.match(typed, /^design: snippet-typed$/m);
    assert.deepEqual(findingsOf(typed).map((f) => f.ruleId), [], 'the expanded skeleton has findings');

    // 8. The checklist: each area with its state and counts, a finding revealed in the
    //    editor, "Mark done" asks first when an area has errors, and edits the file.
    await openFromExplorer(EXAMPLE);
    // The view container's icon in the activity bar (its badge covers the lower right).
    await page.locator('.activitybar .action-item', { has: page.locator('a[aria-label^="Design Review"]') }).first().click({ position: { x: 8, y: 8 } });
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Design Review' }) });
    await view.waitFor({ timeout: T });
    // The side bar keeps its default width: what is checked below is what a user first sees.
    const side = await page.locator('.part.sidebar').boundingBox();
    await page.mouse.move(side.x + side.width + 600, side.y + side.height - 40);
    // The view's title is "Design Review", whole (it read "DESIGN REVIEW: REVIEW CH…").
    const title = page.locator('.part.sidebar .composite.title .title-label h2');
    await title.filter({ hasText: /^Design Review$/i }).waitFor({ timeout: T });
    assert.ok(await title.evaluate((h) => h.scrollWidth <= h.clientWidth), 'the side bar title is cut short');
    const now = diskText(EXAMPLE);
    const states = YAML.parse(now).review?.checklist ?? {};
    const byArea = (text) => {
      const m = {};
      for (const a of AREAS) {
        m[a] = { error: 0, warning: 0, info: 0 };
      }
      for (const f of findingsOf(text)) {
        m[RULES_BY_ID.get(f.ruleId).area][f.severity]++;
      }
      return m;
    };
    const counts = byArea(now);
    const countsText = (c) => `${c.error} ${c.error === 1 ? 'error' : 'errors'}, ${c.warning} ${c.warning === 1 ? 'warning' : 'warnings'}, ${c.info} info`;
    const stateLabel = (s) => (s === 'accepted-risk' ? 'accepted risk' : s);
    // Rows are found by their accessible label: "Retries, done, 0 errors, 0 warnings, 0 info".
    const areaRow = (area, state, c) =>
      view.locator(state ? `.monaco-list-row[aria-label="${AREA_TITLES[area]}, ${stateLabel(state)}, ${countsText(c)}"]` : `.monaco-list-row[aria-label^="${AREA_TITLES[area]}, "]`).first();
    for (const area of AREAS.slice(0, 7)) {
      await areaRow(area, states[area] ?? 'open', counts[area]).waitFor({ timeout: T });
    }
    // The badge: error findings of open areas, over every design of the workspace.
    let openErrors = 0;
    for (const f of fs.readdirSync(folder).filter((x) => /\.design\.ya?ml$/.test(x))) {
      const text = diskText(f);
      const st = (() => {
        try {
          return YAML.parse(text)?.review?.checklist ?? {};
        } catch {
          return {};
        }
      })();
      const c = byArea(text);
      for (const a of AREAS) {
        if ((st[a] ?? 'open') === 'open') {
          openErrors += c[a].error;
        }
      }
    }
    const badge = page.locator('.activitybar .action-item', { has: page.locator('[aria-label^="Design Review"]') }).locator('.badge-content');
    await badge.filter({ hasText: new RegExp(`^${openErrors}$`) }).waitFor({ timeout: T });
    // The status bar: the active design's review status and counts.
    const status = page.locator('#workbench\\.parts\\.statusbar [aria-label^="Design review:"]').first();
    await status.waitFor({ timeout: T });
    const total = Object.values(counts).reduce((n, c) => n + c.error, 0);
    assert.match(await status.getAttribute('aria-label'), new RegExp(`^Design review: in-review, .*${total} ${total === 1 ? 'error' : 'errors'},`));
    await shot('checklist-areas-counts');

    // Click a finding: its line is revealed and selected.
    const tmo003 = findingsOf(now).find((f) => f.ruleId === 'TMO003');
    await areaRow('timeouts').click();
    const findingRow = view.locator('.monaco-list-row', { hasText: 'TMO003' }).first();
    await findingRow.waitFor({ timeout: T });
    await findingRow.click();
    // The finding's range is selected: the cursor stands at its end.
    const selected = tmo003.endCol - tmo003.col;
    await page.locator('#status\\.editor\\.selection').getByText(`Ln ${tmo003.endLine}, Col ${tmo003.endCol} (${selected} selected)`).waitFor({ timeout: T });
    await waitLine(tmo003.line, (i) => i.text.includes('on_timeout: retry'), 'the revealed line');
    await shot('checklist-finding-revealed');

    // Readable at the default side bar width: every row shown (the designs, the active
    // design's areas, the findings of its Timeouts area) has its text whole; the state is
    // an icon, counts only where non-zero (the full text is the tooltip).
    await page.mouse.move(side.x + side.width + 600, side.y + side.height - 40);
    const rows = await truncatedRows(page, view);
    log(`side bar ${Math.round(side.width)} px wide (the default); ${rows.length} checklist rows`);
    fs.writeFileSync(path.join(artifacts, 'checklist-rows.json'), JSON.stringify({ sideBarWidth: side.width, rows }, null, 2));
    assert.ok(rows.length >= 1 + 7 + 1, `too few rows to judge: ${JSON.stringify(rows)}`);
    const cut = rows.filter((r) => r.scrollWidth > r.clientWidth + 1);
    assert.deepEqual(cut.map((r) => `${r.text} (${r.scrollWidth} > ${r.clientWidth} px)`), [], 'checklist rows cut short at the default side bar width');
    /** What a row shows: its label and its description. */
    const shown = async (row) => [(await row.locator('.label-name').textContent()).trim(), ((await row.locator('.label-description').count()) ? await row.locator('.label-description').textContent() : '').trim()];
    const nonZero = (c) => [['error', 'errors'], ['warning', 'warnings'], ['info', 'info']].filter(([k]) => c[k]).map(([k, many]) => `${c[k]} ${c[k] === 1 ? k : many}`).join(', ');
    assert.deepEqual(await shown(areaRow('timeouts')), ['Timeouts', nonZero(counts.timeouts)]);
    const quiet = AREAS.slice(0, 7).find((a) => Object.values(counts[a]).every((n) => n === 0));
    if (quiet) {
      assert.deepEqual(await shown(areaRow(quiet)), [AREA_TITLES[quiet], ''], 'an area without findings shows no counts');
    }
    await shot('checklist-readable-default-width');

    // "Mark done" on an area with errors asks first; cancelling changes nothing.
    const beforeDone = diskText(EXAMPLE);
    await contextAction(areaRow('timeouts'), 'Mark Done');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.getByText(/Timeouts has \d+ error findings?\. Mark it done anyway\?/).waitFor({ timeout: T });
    await shot('mark-done-confirm');
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: T });
    assert.equal(diskText(EXAMPLE), beforeDone, 'cancelled "Mark done" changed the file');

    // "Mark done" on an open area without errors edits review.checklist in the file.
    const target = AREAS.slice(0, 7).find((a) => (states[a] ?? 'open') === 'open' && counts[a].error === 0);
    assert.ok(target, 'no open area without errors in the example');
    await contextAction(areaRow(target), 'Mark Done');
    const endDone = Date.now() + T;
    // A read while the workbench writes the file can find it empty (YAML.parse gives
    // null): that is "not yet", as any other state before `done`.
    while (YAML.parse(diskText(EXAMPLE))?.review?.checklist?.[target] !== 'done' && Date.now() < endDone) {
      await page.waitForTimeout(100);
    }
    const after = diskText(EXAMPLE);
    assert.equal(YAML.parse(after).review.checklist[target], 'done', `review.checklist.${target} is not done in the file`);
    for (const c of beforeDone.split('\n').filter((l) => /#/.test(l)).map((l) => l.slice(l.indexOf('#')))) {
      assert.ok(after.includes(c), `"Mark done" lost a comment: ${c}`);
    }
    await areaRow(target, 'done', counts[target]).waitFor({ timeout: T });
    await shot('mark-done-applied');
  } catch (e) {
    await page.screenshot({ path: path.join(artifacts, 'failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    await browser.close();
  }
}

module.exports = { runUi, EXAMPLE };
