import type { Logger } from '@gx/runtime';
import type { Registry } from 'prom-client';
import type { BreakerOptions } from './breaker.js';
import { loadConnectionProfile } from './connectionProfile.js';
import { type Deadlines, Ledger } from './ledger.js';
import { checkPeerCertificate } from './tlsCheck.js';

export interface ConnectLedgerOptions {
  /** The connection folder: connection.json, client-cert.pem, client-key.pem, tls-ca.pem. */
  folder: string;
  logger: Logger;
  deadlines?: Partial<Deadlines>;
  breaker?: BreakerOptions;
  registry?: Registry;
}

/**
 * Reads the connection folder and checks the peer's TLS certificate, so a wrong file stops the
 * service at start with one line naming it. A peer that is down is fine: the breaker waits for it.
 */
export async function connectLedger(options: ConnectLedgerOptions): Promise<Ledger> {
  const profile = loadConnectionProfile(options.folder);
  await checkPeerCertificate(profile);
  options.logger.info(
    {
      endpoint: profile.endpoint,
      mspId: profile.mspId,
      channel: profile.channel,
      chaincode: profile.chaincode,
    },
    'ledger connection configured',
  );
  return new Ledger({
    profile,
    ...(options.deadlines ? { deadlines: options.deadlines } : {}),
    ...(options.breaker ? { breaker: options.breaker } : {}),
    ...(options.registry ? { registry: options.registry } : {}),
  });
}
