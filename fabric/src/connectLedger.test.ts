import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLedger } from './connectLedger.js';
import { FabricConnectionError } from './errors.js';
import { DevnetFixture, silentLogger } from './testing/ledgerFixture.js';

const fixture = new DevnetFixture();
const scratch = mkdtempSync(path.join(tmpdir(), 'gx-connection-'));
beforeAll(() => fixture.start());
afterAll(async () => {
  await fixture.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

let copies = 0;
function brokenCopy(breakIt: (folder: string) => void): string {
  copies += 1;
  const folder = path.join(scratch, String(copies));
  cpSync(fixture.connectionDir, folder, { recursive: true });
  breakIt(folder);
  return folder;
}

const attempt = (folder: string) =>
  connectLedger({ folder, logger: silentLogger }).then((ledger) => ledger.close());

describe('connectLedger', () => {
  it('connects with the folder devnet wrote', async () => {
    const ledger = await connectLedger({ folder: fixture.connectionDir, logger: silentLogger });
    try {
      expect(await ledger.chainHeight()).toBeGreaterThan(0n);
    } finally {
      ledger.close();
    }
  });

  it.each([
    [
      'a wrong TLS CA',
      (f: string) => copyFileSync(path.join(f, 'client-cert.pem'), path.join(f, 'tls-ca.pem')),
      /tls-ca\.pem: the peer at 127\.0\.0\.1:\d+ presents a certificate this CA does not accept/,
    ],
    ['a missing key', (f: string) => unlinkSync(path.join(f, 'client-key.pem')), /client-key\.pem: missing$/],
    [
      'a malformed connection.json',
      (f: string) => writeFileSync(path.join(f, 'connection.json'), '{"endpoint":'),
      /connection\.json: not valid JSON$/,
    ],
    [
      'a connection.json without a channel',
      (f: string) => {
        const json = JSON.parse(readFileSync(path.join(f, 'connection.json'), 'utf8'));
        delete json.channel;
        writeFileSync(path.join(f, 'connection.json'), JSON.stringify(json));
      },
      /connection\.json: channel: /,
    ],
    [
      'a key that is not PEM',
      (f: string) => writeFileSync(path.join(f, 'client-key.pem'), 'not a key'),
      /client-key\.pem: not a PEM private key$/,
    ],
    [
      'a key of another identity',
      (f: string) =>
        writeFileSync(
          path.join(f, 'client-key.pem'),
          generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
            type: 'pkcs8',
            format: 'pem',
          }),
        ),
      /client-key\.pem: does not belong to the certificate in client-cert\.pem$/,
    ],
  ])('fails at start with one line naming the file: %s', async (_case, breakIt, message) => {
    const folder = brokenCopy(breakIt);
    const error = await attempt(folder).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FabricConnectionError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(folder);
    expect((error as Error).message.split('\n')).toHaveLength(1);
  });
});
