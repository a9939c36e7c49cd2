import { describe, expect, it } from 'vitest';
import { parseServerConfig } from './serverConfig.js';

const required = { CHAINCODE_ID: 'gx_1.0:abc', CHAINCODE_SERVER_ADDRESS: '0.0.0.0:9999' };

describe('parseServerConfig', () => {
  it('reads the chaincode id and address, in plaintext by default', () => {
    expect(parseServerConfig(required)).toEqual({ chaincodeId: 'gx_1.0:abc', address: '0.0.0.0:9999' });
    expect(parseServerConfig({ ...required, CHAINCODE_SERVER_ADDRESS: '[::]:7052' }).address).toBe(
      '[::]:7052',
    );
  });

  it('reads TLS files, with client certificates optional', () => {
    expect(
      parseServerConfig({
        ...required,
        CHAINCODE_TLS_KEY: '/tls/key.pem',
        CHAINCODE_TLS_CERT: '/tls/cert.pem',
      }).tls,
    ).toEqual({ keyFile: '/tls/key.pem', certFile: '/tls/cert.pem' });
    expect(
      parseServerConfig({
        ...required,
        CHAINCODE_TLS_KEY: '/tls/key.pem',
        CHAINCODE_TLS_CERT: '/tls/cert.pem',
        CHAINCODE_CLIENT_CA_CERT: '/tls/ca.pem',
      }).tls,
    ).toEqual({ keyFile: '/tls/key.pem', certFile: '/tls/cert.pem', clientCaCertFile: '/tls/ca.pem' });
  });

  it('names the variable at fault in one line', () => {
    expect(() => parseServerConfig({ CHAINCODE_SERVER_ADDRESS: '0.0.0.0:9999' })).toThrow(
      'CHAINCODE_ID: required: the package id the peer knows the chaincode by (it is not set)',
    );
    expect(() => parseServerConfig({ ...required, CHAINCODE_SERVER_ADDRESS: '9999' })).toThrow(
      'CHAINCODE_SERVER_ADDRESS: expected host:port with a port from 0 to 65535, e.g. 0.0.0.0:9999 (got "9999")',
    );
    expect(() => parseServerConfig({ ...required, CHAINCODE_SERVER_ADDRESS: 'localhost:70000' })).toThrow(
      /^CHAINCODE_SERVER_ADDRESS: /,
    );
    expect(() => parseServerConfig({ ...required, CHAINCODE_TLS_KEY: '/tls/key.pem' })).toThrow(
      'CHAINCODE_TLS_CERT: required when CHAINCODE_TLS_KEY is set (it is not set)',
    );
    expect(() => parseServerConfig({ ...required, CHAINCODE_CLIENT_CA_CERT: '/tls/ca.pem' })).toThrow(
      /^CHAINCODE_CLIENT_CA_CERT: client certificates need TLS/,
    );
  });

  it('treats a blank variable as unset', () => {
    expect(() => parseServerConfig({ ...required, CHAINCODE_ID: '' })).toThrow(
      /^CHAINCODE_ID: .*\(it is not set\)$/,
    );
  });
});
