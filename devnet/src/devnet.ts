import { createPrivateKey } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { createLogger, dataDir as defaultDataDir, type Logger } from '@gx/runtime';
import { ChaincodeRunner, type ContractClass } from './chaincodeRunner.js';
import { CommitStatusTracker } from './commitStatus.js';
import { Committer } from './committer.js';
import { writeConnectionFiles } from './connectionFiles.js';
import { startControlServer } from './control.js';
import { loadOrCreatePki } from './crypto/identity.js';
import { EndorsementCache } from './endorsementCache.js';
import { Endorser } from './endorser.js';
import { EnvelopeChecker } from './envelope.js';
import { RpcError } from './errors.js';
import { ChaincodeEventStreams } from './events.js';
import { type Fault, Faults, unavailable } from './faults.js';
import { gatewayService, gatewayServiceDefinition } from './gatewayService.js';
import { Msp, serializeIdentity } from './msp.js';
import { BlockCutter } from './orderer.js';
import { Qscc } from './qscc.js';
import { LedgerStore } from './store.js';

export const channelName = 'gx-channel';
export const mspId = 'GxMSP';
export const chaincodeName = 'gx';
const orgDomain = 'gx.example.com';
const chaincodeVersion = '1.0';

export interface DevnetOptions {
  /** Devnet keeps everything under `<dataDir>/devnet`; default `$GX_DATA_DIR` or `.data` at the workspace root. */
  dataDir?: string;
  /** gRPC port; 0 picks a free one. Default 7051. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Block cutter timeout. Default 20 ms. */
  batchTimeoutMs?: number;
  /** Block cutter size. Default 500 transactions. */
  batchSize?: number;
  /** The contract classes of chaincode `gx`. Default: `contracts` of `@gx/chaincode`. */
  contracts?: readonly ContractClass[];
  /**
   * Who may `Mint` and `ReviewKyc`. The chaincode reads `OPERATOR_MSP_ID` from the environment
   * at each call, so this sets it for the whole process. Default: the environment's, else GxMSP.
   */
  operatorMspId?: string;
  /** An HTTP fault-control endpoint on loopback at this port (0: a free one); none when unset. */
  controlPort?: number;
  /** Endorsed transactions not submitted within this time are forgotten. Default 5 minutes. */
  endorsementTtlMs?: number;
  /** A contract invocation running longer fails like a peer's chaincode execute timeout. Default 30 s. */
  chaincodeTimeoutMs?: number;
  logger?: Logger;
}

export interface Devnet {
  /** `host:port` as written to connection.json. */
  endpoint: string;
  port: number;
  /** The folder with connection.json, client-cert.pem, client-key.pem, tls-ca.pem. */
  connectionDir: string;
  /** The fault-control endpoint, when `controlPort` was given. */
  controlUrl: string | undefined;
  /** Stops serving (clients then see UNAVAILABLE), commits what was accepted, and closes the ledger. */
  stop(): Promise<void>;
  /** Replaces the injected fault: `{ delayMs }` delays every call, `{ unavailable: true }` refuses them; `{}` clears. */
  setFault(fault: Fault): void;
  /** Blocks on the chain, the genesis block included. */
  chainHeight(): number;
}

/** Starts a one-process Fabric peer (gateway, endorser, orderer and committer) for channel gx-channel and chaincode gx. */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const logger = options.logger ?? createLogger({ service: 'devnet', level: 'silent', format: 'json' });
  const host = options.host ?? '127.0.0.1';
  const connectionDir = path.join(options.dataDir ?? defaultDataDir(), 'devnet');
  if (options.operatorMspId) process.env.OPERATOR_MSP_ID = options.operatorMspId;
  const contracts = options.contracts ?? (await import('@gx/chaincode')).contracts;

  const advertisedHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const pki = await loadOrCreatePki(path.join(connectionDir, 'crypto'), orgDomain, [
    ...new Set(['localhost', '127.0.0.1', advertisedHost]),
  ]);
  const store = await LedgerStore.open(path.join(connectionDir, 'ledger'));
  // What has been started so far, undone in reverse if a later step fails (a taken port, say),
  // so a failed start leaves no open ledger (LevelDB's lock) and no listener behind.
  const started: (() => unknown)[] = [() => store.close()];
  try {
    return await serve();
  } catch (error) {
    for (const undo of started.reverse()) await undo();
    throw error;
  }

  async function serve(): Promise<Devnet> {
    let stopping: Error | undefined;
    const committer = new Committer(store, (error) =>
      logger.error({ err: error }, 'commit failed: ledger unavailable'),
    );
    await committer.init(channelName);

    const msp = new Msp(mspId, pki.orgCaCertPem);
    const endorsements = new EndorsementCache(options.endorsementTtlMs ?? 5 * 60_000, 10_000);
    const endorser = new Endorser(
      {
        chaincodeName,
        chaincodeVersion,
        peerIdentity: serializeIdentity(mspId, pki.peer.certPem),
        peerKey: createPrivateKey(pki.peer.keyPem),
      },
      msp,
      store,
      new ChaincodeRunner(contracts, options.chaincodeTimeoutMs ?? 30_000),
    );
    const cutter = new BlockCutter(
      {
        batchSize: options.batchSize ?? 500,
        batchTimeoutMs: options.batchTimeoutMs ?? 20,
        preferredMaxBytes: 2 * 1024 * 1024,
      },
      (batch) => committer.submit(batch),
    );
    const commitStatus = new CommitStatusTracker(store, committer);
    const events = new ChaincodeEventStreams(store, committer, chaincodeName);
    const faults = new Faults();
    faults.onChange((fault) => {
      logger.info({ fault }, 'fault set');
      if (fault.unavailable) {
        events.endAll(unavailable());
        commitStatus.failAll(unavailable());
      }
    });

    // Channelz stays on: grpc-js 1.14 only tracks (and so only force-closes) sessions with it enabled.
    const server = new Server({ 'grpc.max_receive_message_length': 100 * 1024 * 1024 });
    let port = options.port ?? 7051;
    const address = () => `${advertisedHost}:${port}`;
    server.addService(
      gatewayServiceDefinition,
      gatewayService({
        settings: { channelId: channelName, chaincodeName, mspId, address },
        msp,
        store,
        endorser,
        endorsements,
        qscc: new Qscc(store, channelName),
        envelopes: new EnvelopeChecker(channelName, chaincodeName, msp, endorsements),
        order: (tx) => cutter.enqueue(tx),
        commitStatus,
        events,
        faults,
        ledgerFault: () => stopping ?? committer.failure,
      }),
    );
    started.push(() => server.forceShutdown());
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(
        `${host.includes(':') ? `[${host}]` : host}:${port}`,
        ServerCredentials.createSsl(null, [
          { private_key: Buffer.from(pki.tlsServer.keyPem), cert_chain: Buffer.from(pki.tlsServer.certPem) },
        ]),
        (error, bound) => (error ? reject(error) : resolve(bound)),
      );
    });

    await writeConnectionFiles(connectionDir, {
      profile: {
        endpoint: address(),
        hostOverride: 'localhost',
        mspId,
        channel: channelName,
        chaincode: chaincodeName,
      },
      clientCertPem: pki.client.certPem,
      clientKeyPem: pki.client.keyPem,
      tlsCaCertPem: pki.tlsCaCertPem,
    });

    const control =
      options.controlPort === undefined
        ? undefined
        : await startControlServer(
            {
              fault: () => faults.current,
              setFault: (fault) => faults.set(fault),
              status: () => ({
                endpoint: address(),
                height: store.chainInfo.height,
                fault: faults.current,
                process: { cpu: process.cpuUsage(), memory: process.memoryUsage() },
              }),
            },
            options.controlPort,
          );
    if (control) {
      started.push(() => control.close());
      await writeFile(path.join(connectionDir, 'control.json'), `${JSON.stringify({ url: control.url })}\n`);
    }
    logger.info(
      { endpoint: address(), connectionDir, height: store.chainInfo.height, control: control?.url },
      'devnet serving the Fabric Gateway',
    );
    let stopped: Promise<void> | undefined;
    return {
      endpoint: address(),
      port,
      connectionDir,
      controlUrl: control?.url,
      setFault: (fault) => faults.set(fault),
      chainHeight: () => store.chainInfo.height,
      stop: () => {
        stopped ??= (async () => {
          stopping = new RpcError(status.UNAVAILABLE, 'devnet is stopping');
          server.forceShutdown();
          events.endAll(stopping);
          cutter.cut();
          await committer.drain();
          commitStatus.failAll(stopping);
          await control?.close();
          await store.close();
          logger.info({ height: store.chainInfo.height }, 'devnet stopped');
        })();
        return stopped;
      },
    };
  }
}
