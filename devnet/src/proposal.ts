import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import type { Identity, Msp } from './msp.js';
import { ProtoWriter } from './protowire.js';
import { computeTxId } from './txid.js';

/** The parts of a signed proposal that endorsement needs, decoded once (Fabric's `UnpackedProposal`). */
export interface UnpackedProposal {
  signedProposal: peer.SignedProposal;
  proposalBytes: Uint8Array;
  signature: Uint8Array;
  /** The proposal's `common.Header`, reused verbatim in the prepared transaction. */
  headerBytes: Uint8Array;
  signatureHeaderBytes: Uint8Array;
  channelHeader: common.ChannelHeader;
  channelId: string;
  txId: string;
  creator: Uint8Array;
  nonce: Uint8Array;
  /** The chaincode named in the header extension (the endorser's view). */
  chaincodeName: string;
  /** The chaincode named in the invocation spec (the gateway's view). */
  specChaincodeName: string;
  input: peer.ChaincodeInput;
  args: Uint8Array[];
  /** `ChaincodeProposalPayload` without the transient map: what goes into the transaction. */
  payloadWithoutTransient: Uint8Array;
  /** SHA-256 over channel header, signature header and transient-free payload: binds a response to its proposal. */
  proposalHash: Uint8Array;
}

/** The proposal could not be decoded (the gateway answers INVALID_ARGUMENT). */
export class MalformedProposalError extends Error {
  override name = 'MalformedProposalError';
}

export function unpackProposal(signedProposal: peer.SignedProposal | undefined): UnpackedProposal {
  const proposalBytes = signedProposal?.getProposalBytes_asU8() ?? new Uint8Array();
  if (!signedProposal || proposalBytes.length === 0) {
    throw new MalformedProposalError('the proposed transaction must contain a signed proposal');
  }
  try {
    const proposal = peer.Proposal.deserializeBinary(proposalBytes);
    const headerBytes = proposal.getHeader_asU8();
    const header = common.Header.deserializeBinary(headerBytes);
    const channelHeaderBytes = header.getChannelHeader_asU8();
    const signatureHeaderBytes = header.getSignatureHeader_asU8();
    const channelHeader = common.ChannelHeader.deserializeBinary(channelHeaderBytes);
    const signatureHeader = common.SignatureHeader.deserializeBinary(signatureHeaderBytes);
    const extension = peer.ChaincodeHeaderExtension.deserializeBinary(channelHeader.getExtension_asU8());
    const chaincodeName = extension.getChaincodeId()?.getName() ?? '';
    if (!chaincodeName)
      throw new MalformedProposalError('ChaincodeHeaderExtension.ChaincodeId.Name is empty');
    const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
    const inputBytes = payload.getInput_asU8();
    const spec = peer.ChaincodeInvocationSpec.deserializeBinary(inputBytes).getChaincodeSpec();
    const input = spec?.getInput();
    if (!spec || !input)
      throw new MalformedProposalError('chaincode invocation spec did not contain chaincode spec');
    const payloadWithoutTransient = new ProtoWriter().bytes(1, inputBytes).finish();
    const proposalHash = createHash('sha256')
      .update(channelHeaderBytes)
      .update(signatureHeaderBytes)
      .update(payloadWithoutTransient)
      .digest();
    return {
      signedProposal,
      proposalBytes,
      signature: signedProposal.getSignature_asU8(),
      headerBytes,
      signatureHeaderBytes,
      channelHeader,
      channelId: channelHeader.getChannelId(),
      txId: channelHeader.getTxId(),
      creator: signatureHeader.getCreator_asU8(),
      nonce: signatureHeader.getNonce_asU8(),
      chaincodeName,
      specChaincodeName: spec.getChaincodeId()?.getName() ?? '',
      input,
      args: input.getArgsList_asU8(),
      payloadWithoutTransient,
      proposalHash,
    };
  } catch (error) {
    if (error instanceof MalformedProposalError) throw error;
    throw new MalformedProposalError(`failed to unpack transaction proposal: ${(error as Error).message}`);
  }
}

/**
 * The endorser's checks of a proposal's headers and signature, with Fabric's messages:
 * the creator's identity when they pass, otherwise the reason (prefixed as the peer does).
 */
export function validateProposal(up: UnpackedProposal, msp: Msp): Identity | string {
  const problem = (reason: string) => `error validating proposal: ${reason}`;
  const type = up.channelHeader.getType();
  if (type !== common.HeaderType.ENDORSER_TRANSACTION && type !== common.HeaderType.CONFIG) {
    return problem(`invalid header type ${headerTypeName(type)}`);
  }
  if (up.channelHeader.getEpoch() !== 0) return problem('epoch is non-zero');
  if (up.nonce.length === 0) return problem('nonce is empty');
  if (up.creator.length === 0) return problem('creator is empty');
  const expected = computeTxId(up.nonce, up.creator);
  if (up.txId !== expected)
    return problem(`incorrectly computed txid '${up.txId}' -- expected '${expected}'`);
  if (up.signature.length === 0) return problem('empty signature bytes');
  const creator = msp.deserialize(up.creator);
  if (!creator.ok && creator.mspId === undefined) {
    return problem(`access denied: channel [${up.channelId}] creator org unknown, creator is malformed`);
  }
  const denied = problem(
    `access denied: channel [${up.channelId}] creator org [${creator.ok ? creator.identity.mspId : creator.mspId}]`,
  );
  if (!creator.ok) return denied;
  if (!msp.verify(creator.identity, up.proposalBytes, up.signature)) return denied;
  return creator.identity;
}

function headerTypeName(type: number): string {
  const entry = Object.entries(common.HeaderType).find(([, value]) => value === type);
  return entry ? entry[0] : String(type);
}
