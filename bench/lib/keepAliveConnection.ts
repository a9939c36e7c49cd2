import { connect, type Socket } from 'node:net';

export interface Answer {
  status: number;
  body: string;
}

interface Waiting {
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
}

const headEnd = Buffer.from('\r\n\r\n');

/**
 * One keep-alive HTTP/1.1 connection with one request in flight, written as one string and read by
 * `Content-Length` (or chunks), as autocannon does it. The load generator shares the machine with the
 * server: node:http's client cost it 91–140 µs of CPU per request here, about two thirds of what the
 * api spends on a trivial query, and that CPU came out of the cores PostgreSQL and the api's garbage
 * collector need (this client: 22–52 µs).
 */
export class KeepAliveConnection {
  readonly #host: string;
  readonly #port: number;
  #socket: Socket | undefined;
  #received: Buffer = Buffer.alloc(0);
  #waiting: Waiting | undefined;

  constructor(url: URL) {
    this.#host = url.hostname;
    this.#port = Number(url.port || 80);
  }

  /** Sends the request (head and body as one string) and resolves with its answer. */
  send(request: string): Promise<Answer> {
    if (this.#waiting) return Promise.reject(new Error('a request is already in flight'));
    const socket = this.#socket ?? this.#open();
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      socket.write(request);
    });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  #open(): Socket {
    const socket = connect({ host: this.#host, port: this.#port, noDelay: true });
    // a socket given up on (closed after its answer) must not fail the one that replaced it
    socket.on('data', (chunk: Buffer) => this.#socket === socket && this.#read(chunk));
    socket.on('error', (error) => this.#socket === socket && this.#fail(error));
    socket.on('close', () => this.#socket === socket && this.#fail(new Error('connection closed')));
    this.#socket = socket;
    this.#received = Buffer.alloc(0);
    return socket;
  }

  #fail(error: Error): void {
    this.#socket?.destroy();
    this.#socket = undefined;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(error);
  }

  #read(chunk: Buffer): void {
    this.#received = this.#received.length === 0 ? chunk : Buffer.concat([this.#received, chunk]);
    const answer = parseAnswer(this.#received);
    if (!answer) return;
    this.#received = Buffer.alloc(0);
    if (answer.close) this.close();
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve({ status: answer.status, body: answer.body });
  }
}

/** The headers of a GraphQL POST with a JSON body; `extra` (a token) added, or replacing one. */
export function graphqlPostHeaders(body: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...extra,
  };
}

/** A GraphQL POST as one HTTP/1.1 string: head and body. */
export function requestText(url: URL, body: string, headers: Record<string, string> = {}): string {
  let head = `POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\n`;
  for (const [name, value] of Object.entries(graphqlPostHeaders(body, headers)))
    head += `${name}: ${value}\r\n`;
  return `${head}\r\n${body}`;
}

/** The answer once `data` holds all of it (one answer: one request is in flight at a time). */
export function parseAnswer(data: Buffer): (Answer & { close: boolean }) | undefined {
  const end = data.indexOf(headEnd);
  if (end < 0) return undefined;
  const head = data.toString('latin1', 0, end);
  const status = Number(head.slice(9, 12));
  const close = /\r\nconnection:\s*close/i.test(head);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const bodyEnd = end + 4 + Number(length[1]);
    if (data.length < bodyEnd) return undefined;
    return { status, body: data.toString('utf8', end + 4, bodyEnd), close };
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const body = dechunk(data, end + 4);
    return body === undefined ? undefined : { status, body, close };
  }
  // neither: the body runs to the end of the connection, which this client does not wait for
  return { status, body: data.toString('utf8', end + 4), close: true };
}

/** A chunked body from `start`, or undefined until its last chunk has arrived. */
function dechunk(data: Buffer, start: number): string | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(data.toString('latin1', at, lineEnd), 16);
    // the last chunk, then the empty line that ends the body (this client sends no TE: trailers)
    if (size === 0) return data.length < lineEnd + 4 ? undefined : Buffer.concat(parts).toString('utf8');
    const chunkEnd = lineEnd + 2 + size;
    if (data.length < chunkEnd + 2) return undefined;
    parts.push(data.subarray(lineEnd + 2, chunkEnd));
    at = chunkEnd + 2;
  }
}
