import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const serverFile = fileURLToPath(new URL('./server.ts', import.meta.url));
const running: ChildProcess[] = [];

/** The server as its own process, from source (tsx), with only the given environment. */
function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@gx/source', serverFile], {
    env: { PATH: process.env.PATH, ...env },
  });
  running.push(child);
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  for (const start = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
  }
}

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill();
});

describe('the chaincode server', () => {
  it('stops with one line naming the variable when its configuration is unusable', async () => {
    const { child, output } = startServer({ CHAINCODE_SERVER_ADDRESS: '127.0.0.1:9999' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(78);
    expect(output().trim()).toBe(
      'gx chaincode: invalid configuration: CHAINCODE_ID: required: the package id the peer knows the chaincode by (it is not set)',
    );
  });

  it('stops with one line when it cannot listen', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      const { child, output } = startServer({
        CHAINCODE_ID: 'gx_1.0:abc',
        CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port}`,
      });
      const [code] = await once(child, 'exit');
      expect(code).toBe(1);
      expect(output()).toMatch(new RegExp(`^gx chaincode: cannot listen on 127.0.0.1:${port}: .+$`, 'm'));
    } finally {
      taken.close();
    }
  });

  it('listens for the peer on CHAINCODE_SERVER_ADDRESS', async () => {
    const port = await freePort();
    const { output } = startServer({
      CHAINCODE_ID: 'gx_1.0:abc',
      CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port}`,
    });

    await until(() => output().includes('listening'));
    expect(output()).toContain(
      `chaincode gx_1.0:abc listening on 127.0.0.1:${port} (plaintext), operator MSP GxMSP`,
    );
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.destroy();
  });
});
