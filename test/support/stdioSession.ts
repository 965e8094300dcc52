// A language server session over stdio as a pipe gives it: every message written at once,
// then (optionally) the end of the input, and everything the server printed and its exit
// code collected: what `printf <messages> | ddr lsp --stdio` sees.
import { spawn } from 'node:child_process';

/** `Content-Length` frames of JSON-RPC messages (`jsonrpc` added). */
export function frames(messages: object[]): Buffer {
  return Buffer.concat(
    messages.map((m) => {
      const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...m }));
      return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
    }),
  );
}

/** The messages in what the server printed; throws on anything that is not a whole frame. */
export function parseFrames(out: Buffer): Array<Record<string, unknown>> {
  const messages: Array<Record<string, unknown>> = [];
  let at = 0;
  while (at < out.length) {
    const end = out.indexOf('\r\n\r\n', at);
    const header = out.toString('latin1', at, end);
    const m = /^Content-Length: (\d+)$/im.exec(header);
    if (end < 0 || !m) {
      throw new Error(`not a frame at byte ${at}: ${JSON.stringify(out.toString('utf8', at, at + 80))}`);
    }
    const length = Number(m[1]);
    messages.push(JSON.parse(out.toString('utf8', end + 4, end + 4 + length)));
    at = end + 4 + length;
  }
  return messages;
}

export interface Session {
  code: number | null;
  signal: NodeJS.Signals | null;
  messages: Array<Record<string, unknown>>;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

/**
 * Runs `command` (node, then `args`), writes `input` to its stdin and ends it after
 * `endAfterMs` (0: at once); gives up (and fails) after `timeoutMs`.
 */
export function stdioSession(args: string[], input: Buffer, options: { env?: NodeJS.ProcessEnv; endAfterMs?: number; timeoutMs?: number } = {}): Promise<Session> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined);
    child.stdin.write(input);
    const end = (): void => void child.stdin.end();
    if (options.endAfterMs) {
      setTimeout(end, options.endAfterMs);
    } else {
      end();
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within ${options.timeoutMs ?? 30_000} ms; stderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        resolve({ code, signal, messages: parseFrames(Buffer.concat(out)), stderr, ms: Date.now() - start });
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** The answer to request `id` among `messages`. */
export function answerTo(messages: Array<Record<string, unknown>>, id: number): Record<string, unknown> | undefined {
  return messages.find((m) => m.id === id && !('method' in m));
}
