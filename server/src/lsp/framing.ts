// A guard in front of the JSON-RPC reader on stdio. vscode-jsonrpc reads `Content-Length`
// frames and trusts them: one stray byte sequence outside a frame (a client's bug, junk
// on the pipe) makes it read the next message's body as a header, and every message after
// that is lost — the server stays up but deaf. This guard passes on only whole frames with
// a valid header, drops what lies between frames, and finds the next `Content-Length:`
// again, so that one bad write costs one message, not the session.
import { Transform, TransformCallback } from 'node:stream';

/** Headers longer than this are not headers. */
const MAX_HEADER = 8192;
/** How much of the input is searched for a header at once. */
const SCAN_WINDOW = 64 * 1024;
const HEADER_START = /content-length[ \t]*:/i;

export class FramingGuard extends Transform {
  private chunks: Buffer[] = [];
  private total = 0;
  /** The length of the frame being read (header and body), once its header is known. */
  private frame = -1;
  /** Bytes dropped since the last frame, reported once when the next frame (or the end) comes. */
  private dropped = 0;
  private why = '';

  constructor(private readonly onDrop: (bytes: number, why: string) => void = () => undefined) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(chunk);
    this.total += chunk.length;
    this.pump();
    done();
  }

  override _flush(done: TransformCallback): void {
    this.report();
    if (this.total) {
      this.onDrop(this.total, 'an unfinished message at the end of the input');
    }
    done();
  }

  private discard(n: number, why: string): void {
    this.dropped += n;
    this.why ||= why;
    this.takeBytes(n);
  }

  private report(): void {
    if (this.dropped) {
      this.onDrop(this.dropped, this.why);
      this.dropped = 0;
      this.why = '';
    }
  }

  private takeBytes(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.total);
    const head = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.total = rest.length;
    return head;
  }

  private pump(): void {
    for (;;) {
      if (this.frame >= 0) {
        if (this.total < this.frame) {
          return; // the body is still arriving: no copy until it is whole
        }
        const frame = this.takeBytes(this.frame);
        this.frame = -1;
        this.report();
        this.push(frame);
        continue;
      }
      const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.total);
      this.chunks = buf.length ? [buf] : [];
      // Headers are ASCII; latin1 maps each byte to one character, so offsets agree.
      // Junk is looked through a window at a time.
      const window = Math.min(buf.length, SCAN_WINDOW);
      const head = buf.toString('latin1', 0, window);
      const m = HEADER_START.exec(head);
      if (!m) {
        // Keep a tail that may be the start of `Content-Length` split across writes.
        const drop = window - Math.min(window, 16);
        if (drop > 0) {
          this.discard(drop, 'bytes outside a message');
          if (this.total > 16) {
            continue;
          }
        }
        return;
      }
      if (m.index > 0) {
        this.discard(m.index, 'bytes outside a message');
        continue;
      }
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > MAX_HEADER) {
          this.discard(1, 'a header that does not end');
          continue;
        }
        return;
      }
      const length = contentLength(head.slice(0, end));
      if (length === undefined) {
        // Not a header after all: skip this `Content-Length` and look for the next one.
        this.discard(end + 4, 'a malformed header');
        continue;
      }
      this.frame = end + 4 + length;
    }
  }
}

/** The Content-Length of a header block, or undefined when the block is not a valid header. */
function contentLength(block: string): number | undefined {
  let length: number | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) {
      return undefined;
    }
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-length') {
      if (!/^\d{1,10}$/.test(value)) {
        return undefined;
      }
      length = Number(value);
    }
  }
  return length;
}
