import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeepAliveConnection, parseAnswer, requestText } from './keepAliveConnection.js';

describe('parseAnswer', () => {
  const answer = (text: string) => parseAnswer(Buffer.from(text));

  it('waits for the whole body its Content-Length announces', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 11\r\n\r\n';
    expect(answer('HTTP/1.1 200 OK\r\nContent-Le')).toBeUndefined();
    expect(answer(`${head}{"data":`)).toBeUndefined();
    expect(answer(`${head}{"data":{}}`)).toEqual({ status: 200, body: '{"data":{}}', close: false });
  });

  it('counts the length in bytes, not characters', () => {
    expect(answer('HTTP/1.1 400 Bad Request\r\nContent-Length: 4\r\n\r\n"é"')).toEqual({
      status: 400,
      body: '"é"',
      close: false,
    });
  });

  it('joins chunks once the last one and its ending have arrived', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
    expect(answer(`${head}3\r\nabc\r\n`)).toBeUndefined();
    expect(answer(`${head}3\r\nabc\r\nA\r\n0123456789\r\n0\r\n`)).toBeUndefined();
    expect(answer(`${head}3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n`)).toEqual({
      status: 200,
      body: 'abc0123456789',
      close: true,
    });
  });
});

describe('KeepAliveConnection against node:http', () => {
  let server: Server;
  let url: URL;
  const seen: { method?: string; url?: string; headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (body === 'drop') {
          req.socket.destroy();
          return;
        }
        if (body === 'close') res.setHeader('Connection', 'close');
        if (body === 'chunked') {
          res.write('{"part":1,');
          res.end('"part2":2}');
          return;
        }
        res.end(JSON.stringify({ echo: body, socket: req.socket.remotePort }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends requests one after another on one socket, and opens another after Connection: close', async () => {
    const connection = new KeepAliveConnection(url);
    const send = async (body: string) => {
      const answer = await connection.send(requestText(url, body, { authorization: 'Bearer t' }));
      expect(answer.status).toBe(200);
      return answer.body;
    };
    const first = JSON.parse(await send('{"query":"{ a }"}'));
    const second = JSON.parse(await send('{"query":"{ b }"}'));
    expect(second.socket).toBe(first.socket);
    expect(second.echo).toBe('{"query":"{ b }"}');
    expect(await send('chunked')).toBe('{"part":1,"part2":2}');
    await send('close');
    const afterClose = JSON.parse(await send('{"query":"{ c }"}'));
    expect(afterClose.socket).not.toBe(first.socket);
    connection.close();

    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/graphql',
      headers: {
        'content-type': 'application/json',
        'content-length': '17',
        authorization: 'Bearer t',
        host: url.host,
      },
    });
  });

  it('refuses a second request while one is in flight, fails one whose connection drops, then reconnects', async () => {
    const connection = new KeepAliveConnection(url);
    const inFlight = connection.send(requestText(url, '{}', {}));
    await expect(connection.send(requestText(url, '{}', {}))).rejects.toThrow('already in flight');
    await inFlight;
    await expect(connection.send(requestText(url, 'drop', {}))).rejects.toThrow(
      /connection closed|ECONNRESET/,
    );
    expect(JSON.parse((await connection.send(requestText(url, 'again', {}))).body).echo).toBe('again');

    // nothing listens on port 1: the connection is refused
    const gone = new KeepAliveConnection(new URL('http://127.0.0.1:1/graphql'));
    await expect(gone.send(requestText(url, '{}', {}))).rejects.toThrow();
    gone.close();
    connection.close();
  });
});
