import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, credentials } from '@grpc/grpc-js';
import {
  connect,
  type Gateway,
  hash,
  type Identity,
  type Signer,
  signers,
} from '@hyperledger/fabric-gateway';
import type { ConnectionProfile } from '../connectionFiles.js';

/** A connection of the official client to a devnet, from the files devnet writes, as services connect. */
export interface TestClient {
  profile: ConnectionProfile;
  grpc: Client;
  gateway: Gateway;
  identity: Identity;
  signer: Signer;
  close(): void;
}

export async function connectClient(connectionDir: string, endpoint?: string): Promise<TestClient> {
  const profile = JSON.parse(
    await readFile(path.join(connectionDir, 'connection.json'), 'utf8'),
  ) as ConnectionProfile;
  const tlsCa = await readFile(path.join(connectionDir, 'tls-ca.pem'));
  const grpc = new Client(endpoint ?? profile.endpoint, credentials.createSsl(tlsCa), {
    'grpc.ssl_target_name_override': profile.hostOverride,
  });
  const identity = {
    mspId: profile.mspId,
    credentials: await readFile(path.join(connectionDir, 'client-cert.pem')),
  };
  const signer = signers.newPrivateKeySigner(
    createPrivateKey(await readFile(path.join(connectionDir, 'client-key.pem'))),
  );
  const gateway = connect({
    client: grpc,
    identity,
    signer,
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 10_000 }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 20_000 }),
  });
  return {
    profile,
    grpc,
    gateway,
    identity,
    signer,
    close: () => {
      gateway.close();
      grpc.close();
    },
  };
}

/**
 * Waits until the client's channel is connected. After a refused connection grpc-js backs off
 * (about a second) and fails calls fast meanwhile, so a test that restarts devnet waits here
 * where a service would retry.
 */
export function waitForReady(client: TestClient, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) =>
    client.grpc.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve())),
  );
}

/** A fresh data folder under the system's temporary directory, and its removal. */
export async function temporaryDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gx-devnet-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
