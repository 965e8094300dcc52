// The first analysis of a document does not wait for workspace/configuration: it starts
// with the settings the client answered last (the defaults at first) while the client
// answers, and its result is published only if the answer is the same; otherwise the
// document is analysed again under the answer. Which analyses ran, and when, is read
// from the server's log (DDR_TEST_LOG_ANALYSES=1, testHooks.ts); the client holds its
// answers back with a gate.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LspClient, REPO_ROOT } from './support/lspClient';

const CHECKOUT = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'checkout.design.yaml'), 'utf8');
/** DLV001 (an error by default) on the channel that lost its `delivery`. */
const NO_DELIVERY = CHECKOUT.replace('    delivery: at-least-once\n', '');

let c: LspClient;
before(async () => {
  c = await LspClient.start({ env: { DDR_TEST_LOG_ANALYSES: '1' } });
});
after(async () => {
  await c.stop();
});

const analyses = (uri: string) => c.logs.filter((l) => l.message === `analysed ${uri} v1`).length;
const dlv001 = (uri: string) => c.diagnostics.get(uri)!.map((p) => p.diagnostics.filter((d) => d.code === 'DLV001').map((d) => `v${p.version} DLV001:${d.severity}`)).flat();

/** Opens `uri` with the client's answers held back until the server has analysed it once. */
async function openHeld(uri: string): Promise<void> {
  let release!: () => void;
  c.configurationGate = new Promise((r) => (release = r));
  const asked = c.configurationRequests;
  await c.open(uri, NO_DELIVERY);
  await c.waitFor(() => c.configurationRequests > asked && analyses(uri) === 1, `an analysis of ${uri} before the client answers`);
  assert.equal(c.diagnostics.get(uri), undefined, 'nothing is published before the answer');
  c.configurationGate = undefined;
  release();
  await c.diagnosticsFor(uri, 1);
}

test('the first analysis runs while the client answers; a guess that the answer confirms is published as is', async () => {
  const uri = 'file:///virtual/settings-ahead-1.design.yaml';
  await openHeld(uri);
  assert.deepEqual(dlv001(uri), ['v1 DLV001:1']);
  assert.equal(analyses(uri), 1, 'analysed once: the answer was the defaults it guessed');
});

test('a guess the answer contradicts is never published: the document is analysed again under the answer', async () => {
  // A client whose settings differ by scope (a folder of its own, say): what it answered
  // last (the defaults, above) is the guess for the next document, and this one is not.
  c.settings = { severity: { DLV001: 'warning' } };
  const uri = 'file:///virtual/settings-ahead-2.design.yaml';
  await openHeld(uri);
  await new Promise((r) => setTimeout(r, 100)); // a wrong publication would come now
  assert.deepEqual(dlv001(uri), ['v1 DLV001:2'], 'one publication, under the answered settings');
  assert.equal(analyses(uri), 2);

  // The next document guesses what was answered last, rightly.
  const next = 'file:///virtual/settings-ahead-3.design.yaml';
  await openHeld(next);
  assert.deepEqual(dlv001(next), ['v1 DLV001:2']);
  assert.equal(analyses(next), 1);
});
