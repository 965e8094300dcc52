// A worker thread of `ddr lint` (parallel.ts): takes the next file from the shared counter,
// decodes its bytes as the main thread did, analyses it and posts the plain result, until
// no file is left. A file whose analysis throws is left to the main thread, which reports
// it as the sequential path would.
import { parentPort, workerData } from 'node:worker_threads';
import { analyseText } from './analyseFile';
import type { WorkerInput, WorkerMessage } from './parallel';

const input = workerData as WorkerInput;
const counter = new Int32Array(input.next);
const n = input.files.length;
// The same decoding as readDesign in lint.ts: invalid bytes become U+FFFD, a BOM is dropped.
const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
for (let i = Atomics.add(counter, 0, 1); i < n; i = Atomics.add(counter, 0, 1)) {
  const text = decoder.decode(new Uint8Array(input.bytes, input.spans[2 * i], input.spans[2 * i + 1]));
  let message: WorkerMessage;
  try {
    message = { index: i, outcome: analyseText(text, input.settings, input.files[i]) };
  } catch {
    continue;
  }
  parentPort!.postMessage(message);
}
