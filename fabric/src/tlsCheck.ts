import tls from 'node:tls';
import { type ConnectionProfile, connectionFiles } from './connectionProfile.js';
import { FabricConnectionError } from './errors.js';

/**
 * Checks, by a TLS handshake, that the peer's certificate is signed by the configured CA and
 * names the host. gRPC would only say "unavailable" for a wrong CA, forever; this says which file
 * is wrong, once, at start. An unreachable peer is not an error here: the ledger may be down for
 * a while and the circuit breaker deals with that.
 */
export function checkPeerCertificate(profile: ConnectionProfile, timeoutMs = 5_000): Promise<void> {
  const [host, port] = splitEndpoint(profile.endpoint);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      ca: profile.tlsCaPem,
      servername: profile.hostOverride ?? host,
      ALPNProtocols: ['h2'],
      timeout: timeoutMs,
    });
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.once('secureConnect', () => done());
    socket.once('timeout', () => done());
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code && /CERT|SELF_SIGNED|ISSUER|ALTNAME|SIGNATURE/.test(error.code)) {
        done(
          new FabricConnectionError(
            `${profile.folder}/${connectionFiles.tlsCa}: the peer at ${profile.endpoint} presents a certificate this CA does not accept (${error.code})`,
          ),
        );
      } else {
        done();
      }
    });
  });
}

function splitEndpoint(endpoint: string): [string, number] {
  const at = endpoint.lastIndexOf(':');
  return [endpoint.slice(0, at), Number(endpoint.slice(at + 1))];
}
