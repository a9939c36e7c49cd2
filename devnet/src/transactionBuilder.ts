import { ProtoWriter } from './protowire.js';

/**
 * Byte-level assembly of the messages a peer returns from endorsement. Parts that the client
 * signed or hashed (header, signature header, proposal payload) are copied verbatim, which is
 * what lets the official client's signature over the prepared transaction cover what it sent.
 */

export interface ChaincodeResponse {
  status: number;
  message: string;
  payload: Uint8Array;
}

export interface ChaincodeActionParts {
  proposalHash: Uint8Array;
  response: ChaincodeResponse;
  results: Uint8Array;
  events: Uint8Array | undefined;
  chaincodeName: string;
  chaincodeVersion: string;
}

/** `peer.ChaincodeEvent`: the contract's event completed with chaincode and transaction id, as the peer does. */
export function encodeChaincodeEvent(
  chaincodeName: string,
  txId: string,
  name: string,
  payload: Uint8Array,
): Buffer {
  return new ProtoWriter()
    .string(1, chaincodeName)
    .string(2, txId)
    .string(3, name)
    .bytes(4, payload)
    .finish();
}

export function encodeResponse(response: ChaincodeResponse): Buffer {
  return new ProtoWriter()
    .uint(1, response.status)
    .string(2, response.message)
    .bytes(3, response.payload)
    .finish();
}

/** `peer.ProposalResponsePayload` whose extension is the `peer.ChaincodeAction` (results, events, response, chaincode id). */
export function encodeProposalResponsePayload(parts: ChaincodeActionParts): Buffer {
  const chaincodeId = new ProtoWriter()
    .string(2, parts.chaincodeName)
    .string(3, parts.chaincodeVersion)
    .finish();
  const action = new ProtoWriter()
    .bytes(1, parts.results)
    .bytes(2, parts.events)
    .message(3, encodeResponse(parts.response))
    .message(4, chaincodeId)
    .finish();
  return new ProtoWriter().bytes(1, parts.proposalHash).bytes(2, action).finish();
}

export function encodeEndorsement(endorser: Uint8Array, signature: Uint8Array): Buffer {
  return new ProtoWriter().bytes(1, endorser).bytes(2, signature).finish();
}

/**
 * The unsigned transaction envelope the gateway prepares from an endorsement: the proposal's
 * header as the payload header, one action whose header is the proposal's signature header, and
 * the transient-free proposal payload with the endorsed action.
 */
export function encodePreparedTransaction(
  headerBytes: Uint8Array,
  signatureHeaderBytes: Uint8Array,
  payloadWithoutTransient: Uint8Array,
  proposalResponsePayload: Uint8Array,
  endorsements: readonly Uint8Array[],
): Buffer {
  const endorsedAction = new ProtoWriter().bytes(1, proposalResponsePayload);
  for (const endorsement of endorsements) endorsedAction.message(2, endorsement);
  const actionPayload = new ProtoWriter()
    .bytes(1, payloadWithoutTransient)
    .message(2, endorsedAction.finish())
    .finish();
  const action = new ProtoWriter().bytes(1, signatureHeaderBytes).bytes(2, actionPayload).finish();
  const transaction = new ProtoWriter().message(1, action).finish();
  const payload = new ProtoWriter().message(1, headerBytes).bytes(2, transaction).finish();
  return new ProtoWriter().bytes(1, payload).finish();
}
