// Where a request ends on the socket. Kepler's Go client writes one compact JSON object and then
// waits for the answer without half-closing the connection, so the end of the request is the end of
// its top-level object, found by counting braces outside strings. A client may also half-close
// (shutdown(SHUT_WR)) after writing: whatever arrived is then the whole request.

export class RequestFramer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  /** Bytes up to and including the closing brace once the object is complete. */
  private endAt: number | undefined;

  constructor(private readonly maxBytes: number) {}

  get bytes(): number {
    return this.size;
  }

  /** Feeds a chunk; true once a complete top-level object has arrived. Throws RequestTooLargeError. */
  push(chunk: Buffer): boolean {
    if (this.endAt !== undefined) return true;
    const offset = this.size;
    this.chunks.push(chunk);
    this.size += chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c)
          this.escaped = true; // backslash
        else if (b === 0x22) this.inString = false; // quote
        continue;
      }
      if (b === 0x22) this.inString = true;
      else if (b === 0x7b || b === 0x5b) {
        this.depth++;
        this.started = true;
      } else if (b === 0x7d || b === 0x5d) {
        this.depth--;
        if (this.started && this.depth <= 0) {
          this.endAt = offset + i + 1;
          break;
        }
      }
    }
    if (this.endAt === undefined && this.size > this.maxBytes) throw new RequestTooLargeError(this.maxBytes);
    if (this.endAt !== undefined && this.endAt > this.maxBytes) throw new RequestTooLargeError(this.maxBytes);
    return this.endAt !== undefined;
  }

  /** The request text: the complete object, or everything received when the client half-closed. */
  text(): string {
    const all = Buffer.concat(this.chunks, this.size);
    return all.subarray(0, this.endAt ?? this.size).toString('utf8');
  }
}

export class RequestTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`request larger than ${maxBytes} bytes`);
    this.name = 'RequestTooLargeError';
  }
}
