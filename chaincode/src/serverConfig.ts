/**
 * The chaincode server's settings, from the environment. zod is not among this package's
 * dependencies, so the few rules are spelled out here; each failure is one line naming the variable.
 */
export interface ServerConfig {
  /** The package id the peer knows the chaincode by (`CHAINCODE_ID`). */
  chaincodeId: string;
  /** Where to listen, `host:port` (`CHAINCODE_SERVER_ADDRESS`). */
  address: string;
  /** PEM files; when absent the server listens in plaintext. */
  tls?: { keyFile: string; certFile: string; clientCaCertFile?: string };
}

export class ServerConfigError extends Error {
  override name = 'ServerConfigError';
}

const addressPattern = /^(?:[^\s:]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})$/;

export function parseServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const setting = (name: string) => env[name] || undefined;
  const fail = (name: string, problem: string): never => {
    const raw = setting(name);
    throw new ServerConfigError(
      `${name}: ${problem} (${raw === undefined ? 'it is not set' : `got ${JSON.stringify(raw)}`})`,
    );
  };

  const chaincodeId =
    setting('CHAINCODE_ID') ??
    fail('CHAINCODE_ID', 'required: the package id the peer knows the chaincode by');
  const address = setting('CHAINCODE_SERVER_ADDRESS') ?? '';
  const port = addressPattern.exec(address)?.[1];
  if (port === undefined || Number(port) > 65535) {
    fail('CHAINCODE_SERVER_ADDRESS', 'expected host:port with a port from 0 to 65535, e.g. 0.0.0.0:9999');
  }

  const keyFile = setting('CHAINCODE_TLS_KEY');
  const certFile = setting('CHAINCODE_TLS_CERT');
  const clientCaCertFile = setting('CHAINCODE_CLIENT_CA_CERT');
  if (keyFile && !certFile) fail('CHAINCODE_TLS_CERT', 'required when CHAINCODE_TLS_KEY is set');
  if (certFile && !keyFile) fail('CHAINCODE_TLS_KEY', 'required when CHAINCODE_TLS_CERT is set');
  if (clientCaCertFile && !keyFile) {
    fail(
      'CHAINCODE_CLIENT_CA_CERT',
      'client certificates need TLS: set CHAINCODE_TLS_KEY and CHAINCODE_TLS_CERT',
    );
  }

  return {
    chaincodeId,
    address,
    ...(keyFile && certFile
      ? { tls: { keyFile, certFile, ...(clientCaCertFile ? { clientCaCertFile } : {}) } }
      : {}),
  };
}
