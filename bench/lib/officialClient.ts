import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { nativeSigning } from '@gx/fabric';
import { type Contract, connect, type Gateway } from '@hyperledger/fabric-gateway';

/**
 * The bare official client on a connection folder: the baseline our wrappers are measured against.
 * It signs as they do (`nativeSigning`), so a comparison measures our work, not the signer.
 */
export function bareClient(connectionDir: string): {
  gateway: Gateway;
  /** A contract of the chaincode by name; without one, the chaincode's default contract. */
  contract(name?: string): Contract;
  close(): void;
} {
  const file = (name: string) => readFileSync(path.join(connectionDir, name));
  const profile = JSON.parse(file('connection.json').toString()) as {
    endpoint: string;
    hostOverride: string;
    mspId: string;
    channel: string;
    chaincode: string;
  };
  const client = new grpc.Client(profile.endpoint, grpc.credentials.createSsl(file('tls-ca.pem')), {
    'grpc.ssl_target_name_override': profile.hostOverride,
  });
  const gateway = connect({
    client,
    identity: { mspId: profile.mspId, credentials: file('client-cert.pem') },
    ...nativeSigning(createPrivateKey(file('client-key.pem'))),
  });
  const network = gateway.getNetwork(profile.channel);
  return {
    gateway,
    contract: (name) => network.getContract(profile.chaincode, name),
    close() {
      gateway.close();
      client.close();
    },
  };
}

/** Runs `task` `total` times with at most `concurrency` at once. */
export async function inFlight(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next;
        next += 1;
        await task(i);
      }
    }),
  );
}
