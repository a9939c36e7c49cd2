import { readFileSync } from 'node:fs';
import { type ChaincodeServerOpts, Shim } from 'fabric-shim';
import { createChaincode } from './chaincode.js';
import { operatorMspId } from './operator.js';
import { parseServerConfig, type ServerConfig, ServerConfigError } from './serverConfig.js';

/** Chaincode-as-a-service: the peer connects to this process, which runs the contracts. */

function readPem(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ServerConfigError(
      `${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
}

function serverOptions({ chaincodeId, address, tls }: ServerConfig): ChaincodeServerOpts {
  const tlsProps = tls && {
    key: readPem('CHAINCODE_TLS_KEY', tls.keyFile),
    cert: readPem('CHAINCODE_TLS_CERT', tls.certFile),
    clientCACerts: tls.clientCaCertFile && readPem('CHAINCODE_CLIENT_CA_CERT', tls.clientCaCertFile),
  };
  // fabric-shim's typings make tlsProps and its clientCACerts mandatory; the server itself treats
  // a missing tlsProps as plaintext and a missing clientCACerts as no client authentication.
  return { ccid: chaincodeId, address, tlsProps } as ChaincodeServerOpts;
}

let options: ChaincodeServerOpts;
try {
  options = serverOptions(parseServerConfig());
} catch (error) {
  if (!(error instanceof ServerConfigError)) throw error;
  console.error(`gx chaincode: invalid configuration: ${error.message}`);
  process.exit(78); // EX_CONFIG
}

try {
  await Shim.server(createChaincode(), options).start();
} catch (error) {
  console.error(`gx chaincode: cannot listen on ${options.address}: ${(error as Error).message}`);
  process.exit(1);
}
Shim.newLogger('gx-chaincode').info(
  `chaincode ${options.ccid} listening on ${options.address} (${options.tlsProps ? 'TLS' : 'plaintext'}), operator MSP ${operatorMspId()}`,
);
