// A client written from docs/estimator-protocol.md only (no server code imported): connect, write one
// JSON object, read until the server closes, parse. `keplerStyle` mimics Kepler's Go client instead:
// no half-close and a single read into a 4096-byte buffer.
import { connect } from 'node:net';

export interface Answer {
  powers: Record<string, number[]>;
  msg: string;
  core_ratio?: number;
  model?: string;
  version?: number;
  digest?: string;
}

export interface SendOptions {
  /** Write the request in pieces of this many bytes, pausing between them. */
  chunkBytes?: number;
  /** Half-close after writing (allowed by the protocol, not required). */
  halfClose?: boolean;
  /** Read the answer like Kepler's client: one read of at most 4096 bytes. */
  keplerStyle?: boolean;
  /** Give up after this long. Default 10 s. */
  timeoutMs?: number;
}

export function sendRaw(
  socketPath: string,
  body: string | Buffer,
  options: SendOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    const finish = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (c: Buffer) => {
      if (options.keplerStyle) {
        chunks.push(c.subarray(0, 4096));
        socket.destroy();
        finish();
      } else chunks.push(c);
    });
    socket.on('end', finish);
    socket.on('connect', async () => {
      const bytes = Buffer.from(body);
      const step = options.chunkBytes ?? bytes.length;
      for (let i = 0; i < bytes.length; i += step) {
        socket.write(bytes.subarray(i, i + step));
        if (step < bytes.length) await new Promise((r) => setTimeout(r, 1));
      }
      if (options.halfClose) socket.end();
    });
  });
}

export async function estimate(socketPath: string, request: unknown, options?: SendOptions): Promise<Answer> {
  return JSON.parse(await sendRaw(socketPath, JSON.stringify(request), options)) as Answer;
}

/** Kepler's node-level request for one feature. */
export const nodeRequest = (
  values: number[][],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> => ({
  metrics: ['bpf_cpu_time_ms'],
  values,
  output_type: 'AbsPower',
  source: 'rapl-sysfs',
  system_features: null,
  system_values: null,
  trainer_name: '',
  filter: '',
  ...overrides,
});
