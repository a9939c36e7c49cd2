import {
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { gateway } from '@hyperledger/fabric-protos';
import type { CommitStatusTracker } from './commitStatus.js';
import type { EndorsementCache } from './endorsementCache.js';
import type { Endorser, ProposalOutcome } from './endorser.js';
import { BroadcastRefusedError, type EnvelopeChecker, type OrderedTx } from './envelope.js';
import { type ErrorDetail, RpcError, toServiceError } from './errors.js';
import type { ChaincodeEventStreams } from './events.js';
import type { Faults } from './faults.js';
import type { Msp } from './msp.js';
import { MalformedProposalError, type UnpackedProposal, unpackProposal } from './proposal.js';
import { ProtoWriter } from './protowire.js';
import type { Qscc } from './qscc.js';
import type { LedgerStore } from './store.js';
import { type ChaincodeResponse, encodePreparedTransaction, encodeResponse } from './transactionBuilder.js';

export interface GatewaySettings {
  channelId: string;
  chaincodeName: string;
  mspId: string;
  /** The peer's address as error details name it (known once the port is bound). */
  address: () => string;
}

export interface GatewayParts {
  settings: GatewaySettings;
  msp: Msp;
  store: LedgerStore;
  endorser: Endorser;
  endorsements: EndorsementCache;
  qscc: Qscc;
  envelopes: EnvelopeChecker;
  order: (tx: OrderedTx) => void;
  commitStatus: CommitStatusTracker;
  events: ChaincodeEventStreams;
  faults: Faults;
  /** Why the ledger cannot serve (a failed commit, stopping), if it cannot. */
  ledgerFault: () => Error | undefined;
}

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const identity = (bytes: Buffer) => bytes;
const rawMethod = (name: string, responseStream: boolean) => ({
  path: `/gateway.Gateway/${name}`,
  requestStream: false,
  responseStream,
  requestSerialize: identity,
  requestDeserialize: identity,
  responseSerialize: toBuffer,
  responseDeserialize: identity,
  originalName: name.charAt(0).toLowerCase() + name.slice(1),
});

/**
 * `gateway.Gateway` with messages passed as bytes: each handler decodes its request with the
 * real Fabric protobufs and answers bytes, so responses assembled from exact parts (prepared
 * transactions, stored event blocks) are sent without being decoded and encoded again.
 */
export const gatewayServiceDefinition: ServiceDefinition = {
  Evaluate: rawMethod('Evaluate', false),
  Endorse: rawMethod('Endorse', false),
  Submit: rawMethod('Submit', false),
  CommitStatus: rawMethod('CommitStatus', false),
  ChaincodeEvents: rawMethod('ChaincodeEvents', true),
};

/** The ACL check of CommitStatus and ChaincodeEvents (Fabric's default ACL: the channel's Readers), as a peer words its refusal. */
function aclRefusal(channelId: string, knownChannel: boolean): RpcError {
  return new RpcError(
    status.PERMISSION_DENIED,
    knownChannel
      ? "failed evaluating policy on signed data during check policy [/Channel/Application/Readers]: [implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Readers' sub-policies to be satisfied]"
      : `Failed to get policy manager for channel [${channelId}]`,
  );
}

/**
 * The handlers, with Fabric's gateway semantics and error mapping (internal/pkg/gateway):
 * proposal problems and chaincode errors come back with `gateway.ErrorDetail`s; Endorse reports
 * any endorser failure as ABORTED, Evaluate as the endorser's own code (FAILED_PRECONDITION for
 * a refused proposal, UNKNOWN for a chaincode error); an unreachable ledger is UNAVAILABLE.
 */
export function gatewayService(parts: GatewayParts): UntypedServiceImplementation {
  const { settings, faults } = parts;
  const detail = (message: string): ErrorDetail => ({
    address: settings.address(),
    mspId: settings.mspId,
    message,
  });
  const ready = async () => {
    await faults.gate();
    const fault = parts.ledgerFault();
    if (fault) throw new RpcError(status.UNAVAILABLE, fault.message);
  };

  const unary =
    (
      handle: (request: Buffer, call: ServerUnaryCall<Buffer, Uint8Array>) => Promise<Uint8Array>,
    ): handleUnaryCall<Buffer, Uint8Array> =>
    (call, callback) => {
      ready()
        .then(() => handle(call.request, call))
        .then(
          (response) => callback(null, response),
          (error: unknown) => callback(toServiceError(error)),
        );
    };

  const unpack = (signedProposal: Parameters<typeof unpackProposal>[0]): UnpackedProposal => {
    try {
      return unpackProposal(signedProposal);
    } catch (error) {
      if (error instanceof MalformedProposalError) throw new RpcError(status.INVALID_ARGUMENT, error.message);
      throw error;
    }
  };

  const evaluate = async (request: Buffer): Promise<Uint8Array> => {
    const up = unpack(
      decode(() => gateway.EvaluateRequest.deserializeBinary(request)).getProposedTransaction(),
    );
    const chaincode = up.specChaincodeName;
    let outcome: EvaluateOutcome;
    if (up.channelId === settings.channelId && chaincode === 'qscc') {
      const refusal = parts.endorser.preProcess(up);
      outcome = refusal ? { kind: 'refused', message: refusal } : answered(await parts.qscc.invoke(up.args));
    } else if (up.channelId === settings.channelId && chaincode === settings.chaincodeName) {
      const processed = await parts.endorser.process(up, false);
      outcome =
        processed.kind === 'endorsed' ? { kind: 'answered', response: processed.response } : processed;
    } else {
      throw new RpcError(
        status.FAILED_PRECONDITION,
        `no peers available to evaluate chaincode ${chaincode} in channel ${up.channelId}`,
      );
    }
    switch (outcome.kind) {
      case 'refused':
        throw new RpcError(
          status.FAILED_PRECONDITION,
          `evaluate call to endorser returned error: ${outcome.message}`,
          [detail(outcome.message)],
        );
      case 'failed':
        throw new RpcError(
          status.ABORTED,
          'failed to evaluate transaction, see attached details for more info',
          [detail(outcome.message)],
        );
      case 'chaincode-error': {
        const message = `chaincode response ${outcome.status}, ${outcome.message}`;
        throw new RpcError(status.UNKNOWN, `evaluate call to endorser returned error: ${message}`, [
          detail(message),
        ]);
      }
      case 'answered':
        return new ProtoWriter().message(1, encodeResponse(outcome.response)).finish();
    }
  };

  const endorse = async (request: Buffer): Promise<Uint8Array> => {
    const up = unpack(
      decode(() => gateway.EndorseRequest.deserializeBinary(request)).getProposedTransaction(),
    );
    if (up.channelId !== settings.channelId || up.specChaincodeName !== settings.chaincodeName) {
      throw new RpcError(
        status.FAILED_PRECONDITION,
        `no combination of peers can be derived which satisfy the endorsement policy: No metadata was found for chaincode ${up.specChaincodeName} in channel ${up.channelId}`,
      );
    }
    const outcome = await parts.endorser.process(up, true);
    if (outcome.kind !== 'endorsed') {
      const message =
        outcome.kind === 'chaincode-error'
          ? `chaincode response ${outcome.status}, ${outcome.message}`
          : outcome.message;
      throw new RpcError(
        status.ABORTED,
        'failed to endorse transaction, see attached details for more info',
        [detail(message)],
      );
    }
    parts.endorsements.put(up.txId, outcome.endorsed);
    const envelope = encodePreparedTransaction(
      up.headerBytes,
      up.signatureHeaderBytes,
      up.payloadWithoutTransient,
      outcome.endorsed.proposalResponsePayload,
      [outcome.endorsed.endorsement],
    );
    return new ProtoWriter().message(1, envelope).finish();
  };

  const submit = async (request: Buffer): Promise<Uint8Array> => {
    const submitRequest = decode(() => gateway.SubmitRequest.deserializeBinary(request));
    const envelope = submitRequest.getPreparedTransaction();
    if (!envelope) throw new RpcError(status.INVALID_ARGUMENT, 'a prepared transaction is required');
    if (envelope.getSignature_asU8().length === 0) {
      throw new RpcError(status.INVALID_ARGUMENT, 'prepared transaction must be signed');
    }
    if (submitRequest.getChannelId() !== settings.channelId) {
      throw new RpcError(status.FAILED_PRECONDITION, `channel '${submitRequest.getChannelId()}' not found`);
    }
    let tx: OrderedTx;
    try {
      tx = parts.envelopes.check(envelope);
    } catch (error) {
      if (error instanceof BroadcastRefusedError) throw new RpcError(status.ABORTED, error.message);
      throw error;
    }
    parts.order(tx);
    return new Uint8Array();
  };

  const commitStatus = async (
    request: Buffer,
    call: ServerUnaryCall<Buffer, Uint8Array>,
  ): Promise<Uint8Array> => {
    const signed = decode(() => gateway.SignedCommitStatusRequest.deserializeBinary(request));
    const requestBytes = signed.getRequest_asU8();
    if (requestBytes.length === 0)
      throw new RpcError(status.INVALID_ARGUMENT, 'a commit status request is required');
    const statusRequest = decode(
      () => gateway.CommitStatusRequest.deserializeBinary(requestBytes),
      'invalid status request: ',
    );
    const knownChannel = statusRequest.getChannelId() === settings.channelId;
    if (
      !knownChannel ||
      !parts.msp.authenticate(statusRequest.getIdentity_asU8(), requestBytes, signed.getSignature_asU8())
    ) {
      throw aclRefusal(statusRequest.getChannelId(), knownChannel);
    }
    const wait = parts.commitStatus.wait(statusRequest.getTransactionId());
    call.once('cancelled', wait.cancel);
    try {
      const committed = await wait.status;
      return new ProtoWriter().uint(1, committed.code).uint(2, committed.blockNumber).finish();
    } finally {
      call.off('cancelled', wait.cancel);
    }
  };

  const chaincodeEvents: handleServerStreamingCall<Buffer, Uint8Array> = (
    call: ServerWritableStream<Buffer, Uint8Array>,
  ) => {
    const start = async () => {
      await ready();
      const signed = decode(() => gateway.SignedChaincodeEventsRequest.deserializeBinary(call.request));
      const requestBytes = signed.getRequest_asU8();
      if (requestBytes.length === 0) {
        throw new RpcError(status.INVALID_ARGUMENT, 'a chaincode events request is required');
      }
      const request = decode(
        () => gateway.ChaincodeEventsRequest.deserializeBinary(requestBytes),
        'invalid chaincode events request: ',
      );
      const knownChannel = request.getChannelId() === settings.channelId;
      if (
        !knownChannel ||
        !parts.msp.authenticate(request.getIdentity_asU8(), requestBytes, signed.getSignature_asU8())
      ) {
        throw aclRefusal(request.getChannelId(), knownChannel);
      }
      const afterTransactionId = request.getAfterTransactionId();
      const after = afterTransactionId ? parts.store.getTx(afterTransactionId) : undefined;
      let startBlock: number;
      if (after) startBlock = after.blockNumber;
      else {
        const position = request.getStartPosition();
        if (!position || position.hasNextCommit() || position.getTypeCase() === 0) {
          startBlock = parts.store.chainInfo.height;
        } else if (position.hasSpecified()) {
          startBlock = position.getSpecified()?.getNumber() ?? 0;
        } else {
          const kind = position.hasOldest() ? 'Oldest' : 'Newest';
          throw new RpcError(
            status.INVALID_ARGUMENT,
            `invalid start position type: *orderer.SeekPosition_${kind}`,
          );
        }
      }
      parts.events.serve(call, { chaincodeId: request.getChaincodeId(), startBlock, afterTransactionId });
    };
    start().catch((error: unknown) => call.emit('error', toServiceError(error)));
  };

  return {
    Evaluate: unary(evaluate),
    Endorse: unary(endorse),
    Submit: unary(submit),
    CommitStatus: unary(commitStatus),
    ChaincodeEvents: chaincodeEvents,
  };
}

type EvaluateOutcome =
  | Exclude<ProposalOutcome, { kind: 'endorsed' }>
  | { kind: 'answered'; response: ChaincodeResponse };

function answered(response: ChaincodeResponse): EvaluateOutcome {
  return response.status >= 400
    ? { kind: 'chaincode-error', status: response.status, message: response.message }
    : { kind: 'answered', response };
}

function decode<T>(parse: () => T, prefix = ''): T {
  try {
    return parse();
  } catch (error) {
    throw new RpcError(status.INVALID_ARGUMENT, `${prefix}${(error as Error).message}`);
  }
}
