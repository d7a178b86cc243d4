// The Unix-socket side: one request per connection (Kepler's client dials, writes one JSON object,
// reads one answer), answered with a single write followed by close. Starting refuses a path a live
// server answers on and removes a stale socket file a dead one left behind; closing stops accepting,
// lets requests already received finish, and removes the socket file.
import { lstat, mkdir, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ModelshelfError } from '@modelshelf/registry';
import { RequestFramer, RequestTooLargeError } from './framing.ts';

export interface SocketServerOptions {
  socketPath: string;
  maxRequestBytes: number;
  /** A connection that has not delivered a complete request in this time gets an error answer. */
  requestTimeoutMs: number;
  /** Turns a request text into the response text; must not throw. */
  answer(request: string): Promise<string>;
  /** Builds the error answer for framing failures (too large, timed out). */
  fail(message: string): string;
}

export class SocketInUseError extends ModelshelfError {
  override name = 'SocketInUseError';
  constructor(readonly socketPath: string) {
    super(
      `${socketPath} is in use: a live server answers on it (stop it, or pass another --socket)`,
      'usage',
      'SOCKET_IN_USE',
      'stop the estimator that answers on it, or pass another --socket path',
    );
  }
}

export class SocketPathError extends ModelshelfError {
  override name = 'SocketPathError';
  constructor(
    readonly socketPath: string,
    why: string,
    hint = 'pass another --socket path, e.g. /tmp/estimator.sock',
    options?: { cause?: unknown },
  ) {
    super(`cannot listen on ${socketPath}: ${why}`, 'usage', 'SOCKET_PATH', hint, options);
  }
}

// Errors of creating the socket's directory or binding it that are the path's fault, not a bug.
const PATH_ERRNOS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the filesystem is read-only',
  ENOTDIR: 'a parent of the path is not a directory',
  ENOENT: 'a parent directory does not exist',
  ENAMETOOLONG: 'the path is too long',
};

function socketPathFailure(path: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return new SocketInUseError(path);
  if (code && PATH_ERRNOS[code])
    return new SocketPathError(path, PATH_ERRNOS[code], undefined, { cause: err });
  return err;
}

/** Linux's sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

export class SocketServer {
  private server: Server | undefined;
  private readonly connections = new Set<Socket>();
  private readonly answering = new Set<Promise<void>>();

  constructor(private readonly options: SocketServerOptions) {}

  get socketPath(): string {
    return this.options.socketPath;
  }

  async listen(): Promise<void> {
    const path = this.options.socketPath;
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES)
      throw new SocketPathError(
        path,
        `longer than ${MAX_SOCKET_PATH_BYTES} bytes; use a shorter path`,
        `Unix socket paths hold at most ${MAX_SOCKET_PATH_BYTES} bytes: pass a shorter --socket, e.g. /tmp/estimator.sock`,
      );
    await mkdir(dirname(path), { recursive: true }).catch((err: unknown) => {
      throw socketPathFailure(path, err);
    });
    await removeStaleSocket(path);
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(socketPathFailure(path, err)));
      server.listen(path, () => resolve());
    });
    this.server = server;
  }

  /** Stops accepting, waits up to `graceMs` for connections in progress, then removes the socket file. */
  async close(graceMs = 2000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    // Requests already received are answered; connections still sending get until the deadline.
    await Promise.race([Promise.all([closed, ...this.answering]), deadline]);
    for (const s of this.connections) s.destroy();
    await closed;
    await unlink(this.options.socketPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  private accept(socket: Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    // A client that goes away mid-request is its own business: never crash or log per reset.
    socket.on('error', () => socket.destroy());
    const framer = new RequestFramer(this.options.maxRequestBytes);
    let started = false;
    const respond = (text: () => string | Promise<string>) => {
      if (started) return;
      started = true;
      socket.setTimeout(0);
      socket.pause();
      const done = (async () => {
        const body = await text();
        if (!socket.destroyed) socket.end(body);
      })();
      this.answering.add(done);
      void done.finally(() => this.answering.delete(done));
    };
    socket.setTimeout(this.options.requestTimeoutMs, () =>
      respond(() => this.options.fail(`no complete request within ${this.options.requestTimeoutMs} ms`)),
    );
    socket.on('data', (chunk: Buffer) => {
      try {
        if (framer.push(chunk)) respond(() => this.options.answer(framer.text()));
      } catch (err) {
        if (err instanceof RequestTooLargeError) respond(() => this.options.fail(err.message));
        else throw err;
      }
    });
    socket.on('end', () => {
      if (framer.bytes > 0) respond(() => this.options.answer(framer.text()));
      else if (!started) socket.end();
    });
  }
}

/** A socket file nobody answers on is left over from a crash: remove it. Anything else is refused. */
async function removeStaleSocket(path: string): Promise<void> {
  let stat: Awaited<ReturnType<typeof lstat>>;
  try {
    stat = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!stat.isSocket())
    throw new SocketPathError(
      path,
      'the path exists and is not a socket; refusing to remove it',
      'pass a --socket path that does not exist yet (or remove that file yourself)',
    );
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new SocketInUseError(path);
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
