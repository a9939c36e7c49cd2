import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import type { EndorsementCache } from './endorsementCache.js';
import type { Msp } from './msp.js';
import { ProtoWriter } from './protowire.js';
import { decodeTxRwSet, type NamespaceRwSet } from './rwset.js';
import { encodeEndorsement } from './transactionBuilder.js';
import { computeTxId } from './txid.js';

const Code = peer.TxValidationCode;

/** A transaction accepted for ordering, with what the committer needs from it already decoded. */
export interface OrderedTx {
  txId: string;
  /** The envelope exactly as it goes into the block. */
  envelope: Uint8Array;
  /**
   * The verdict on the transaction's own content (Fabric's committer checks headers, transaction
   * id and endorsement before looking at the ledger): VALID means it still faces the duplicate
   * and MVCC checks, anything else is final.
   */
  precheck: number;
  rwsets: NamespaceRwSet[];
  /** The serialized `peer.ChaincodeEvent` of the transaction, if it set one. */
  event: Uint8Array | undefined;
}

/** The ordering service refused the envelope (a broadcast status other than SUCCESS). */
export class BroadcastRefusedError extends Error {
  override name = 'BroadcastRefusedError';

  constructor(
    readonly status: 'BAD_REQUEST' | 'FORBIDDEN' | 'NOT_FOUND',
    readonly info: string,
  ) {
    super(`received unsuccessful response from orderer: status=${status}, info=${info}`);
  }
}

const writersPolicyFailure =
  "implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the 'Writers' sub-policies to be satisfied: permission denied";

/**
 * Checks a submitted envelope the way the ordering service does at broadcast (well-formed, this
 * channel, signed by a member), then pre-validates its content as the committing peer will
 * (Fabric's `ValidateTransaction` and the endorsement policy: one valid signature of a peer of
 * the organisation).
 */
export class EnvelopeChecker {
  constructor(
    private readonly channelId: string,
    private readonly chaincodeName: string,
    private readonly msp: Msp,
    private readonly endorsements: EndorsementCache,
  ) {}

  check(envelope: common.Envelope): OrderedTx {
    const payloadBytes = envelope.getPayload_asU8();
    const signature = envelope.getSignature_asU8();
    const envelopeBytes = new ProtoWriter().bytes(1, payloadBytes).bytes(2, signature).finish();

    let payload: common.Payload;
    let channelHeaderBytes: Uint8Array;
    let channelHeader: common.ChannelHeader;
    let signatureHeaderBytes: Uint8Array;
    let signatureHeader: common.SignatureHeader;
    try {
      payload = common.Payload.deserializeBinary(payloadBytes);
      const header = payload.getHeader();
      if (!header) throw new Error('missing header');
      channelHeaderBytes = header.getChannelHeader_asU8();
      channelHeader = common.ChannelHeader.deserializeBinary(channelHeaderBytes);
      signatureHeaderBytes = header.getSignatureHeader_asU8();
      signatureHeader = common.SignatureHeader.deserializeBinary(signatureHeaderBytes);
    } catch (error) {
      throw new BroadcastRefusedError('BAD_REQUEST', `bad payload: ${(error as Error).message}`);
    }
    if (channelHeader.getChannelId() !== this.channelId) {
      throw new BroadcastRefusedError('NOT_FOUND', `channel ${channelHeader.getChannelId()} does not exist`);
    }
    if (!this.msp.authenticate(signatureHeader.getCreator_asU8(), payloadBytes, signature)) {
      throw new BroadcastRefusedError('FORBIDDEN', writersPolicyFailure);
    }

    const txId = channelHeader.getTxId();
    const verdict = (precheck: number): OrderedTx => ({
      txId,
      envelope: envelopeBytes,
      precheck,
      rwsets: [],
      event: undefined,
    });
    if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION)
      return verdict(Code.UNKNOWN_TX_TYPE);
    const nonce = signatureHeader.getNonce_asU8();
    if (nonce.length === 0 || txId !== computeTxId(nonce, signatureHeader.getCreator_asU8())) {
      return verdict(Code.BAD_PROPOSAL_TXID);
    }

    let actionHeader: Uint8Array;
    let proposalPayload: Uint8Array;
    let endorsedAction: peer.ChaincodeEndorsedAction | undefined;
    try {
      const actions = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList();
      const action = actions[0];
      if (actions.length !== 1 || !action) return verdict(Code.INVALID_ENDORSER_TRANSACTION);
      actionHeader = action.getHeader_asU8();
      const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
      proposalPayload = actionPayload.getChaincodeProposalPayload_asU8();
      endorsedAction = actionPayload.getAction();
    } catch {
      return verdict(Code.BAD_PAYLOAD);
    }
    if (!endorsedAction) return verdict(Code.INVALID_ENDORSER_TRANSACTION);
    const responsePayloadBytes = endorsedAction.getProposalResponsePayload_asU8();
    const endorsements = endorsedAction.getEndorsementsList();

    const proposalHash = createHash('sha256')
      .update(channelHeaderBytes)
      .update(actionHeader)
      .update(proposalPayload)
      .digest();
    const endorsed = this.endorsements.take(txId);
    if (
      endorsed &&
      Buffer.compare(endorsed.proposalHash, proposalHash) === 0 &&
      Buffer.compare(endorsed.proposalResponsePayload, responsePayloadBytes) === 0 &&
      endorsements.some(
        (e) =>
          Buffer.compare(
            encodeEndorsement(e.getEndorser_asU8(), e.getSignature_asU8()),
            endorsed.endorsement,
          ) === 0,
      )
    ) {
      return {
        txId,
        envelope: envelopeBytes,
        precheck: Code.VALID,
        rwsets: endorsed.rwsets,
        event: endorsed.event,
      };
    }

    let responsePayload: peer.ProposalResponsePayload;
    let chaincodeAction: peer.ChaincodeAction;
    try {
      responsePayload = peer.ProposalResponsePayload.deserializeBinary(responsePayloadBytes);
      chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
    } catch {
      return verdict(Code.BAD_RESPONSE_PAYLOAD);
    }
    if (Buffer.compare(proposalHash, responsePayload.getProposalHash_asU8()) !== 0) {
      return verdict(Code.INVALID_ENDORSER_TRANSACTION);
    }
    if (chaincodeAction.getChaincodeId()?.getName() !== this.chaincodeName)
      return verdict(Code.INVALID_CHAINCODE);
    const endorsedByPeer = endorsements.some((endorsement) => {
      const endorser = this.msp.deserialize(endorsement.getEndorser_asU8());
      return (
        endorser.ok &&
        endorser.identity.role === 'peer' &&
        this.msp.verify(
          endorser.identity,
          Buffer.concat([responsePayloadBytes, endorsement.getEndorser_asU8()]),
          endorsement.getSignature_asU8(),
        )
      );
    });
    if (!endorsedByPeer) return verdict(Code.ENDORSEMENT_POLICY_FAILURE);

    let rwsets: NamespaceRwSet[];
    try {
      rwsets = decodeTxRwSet(chaincodeAction.getResults_asU8());
    } catch {
      return verdict(Code.BAD_RWSET);
    }
    if (rwsets.some((rwset) => rwset.namespace !== this.chaincodeName && rwset.writes.length > 0)) {
      return verdict(Code.ILLEGAL_WRITESET);
    }
    const event = chaincodeAction.getEvents_asU8();
    return {
      txId,
      envelope: envelopeBytes,
      precheck: Code.VALID,
      rwsets,
      event: event.length > 0 ? event : undefined,
    };
  }
}
