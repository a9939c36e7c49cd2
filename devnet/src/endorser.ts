import type { KeyObject } from 'node:crypto';
import { signLowS } from '@gx/runtime';
import type { ChaincodeRunner } from './chaincodeRunner.js';
import type { EndorsedTx } from './endorsementCache.js';
import type { Msp } from './msp.js';
import type { UnpackedProposal } from './proposal.js';
import { validateProposal } from './proposal.js';
import { encodeTxRwSet } from './rwset.js';
import { StateHandler } from './stateHandler.js';
import type { LedgerStore } from './store.js';
import {
  type ChaincodeResponse,
  encodeChaincodeEvent,
  encodeEndorsement,
  encodeProposalResponsePayload,
} from './transactionBuilder.js';

export interface EndorserSettings {
  chaincodeName: string;
  chaincodeVersion: string;
  /** The peer's serialized identity and key, which sign endorsements. */
  peerIdentity: Uint8Array;
  peerKey: KeyObject;
}

/**
 * How a proposal fared, in the peer's terms (what `ProcessProposal` returns), for the gateway to
 * turn into a gRPC answer:
 * - `refused`: the proposal itself failed validation (headers, signature, duplicate id);
 * - `failed`: the peer could not run it (no chaincode response);
 * - `chaincode-error`: the chaincode answered with an error status;
 * - `endorsed`: simulation succeeded (signed when endorsement was asked for).
 */
export type ProposalOutcome =
  | { kind: 'refused'; message: string }
  | { kind: 'failed'; message: string }
  | { kind: 'chaincode-error'; status: number; message: string }
  | { kind: 'endorsed'; response: ChaincodeResponse; endorsed: EndorsedTx };

/** Validates, simulates and endorses proposals for the one chaincode devnet hosts. */
export class Endorser {
  constructor(
    private readonly settings: EndorserSettings,
    private readonly msp: Msp,
    private readonly store: LedgerStore,
    private readonly runner: ChaincodeRunner,
  ) {}

  /** The peer's proposal checks before any simulation (Fabric's `preProcess`). */
  preProcess(up: UnpackedProposal): string | undefined {
    const identity = validateProposal(up, this.msp);
    if (typeof identity === 'string') return identity;
    if (this.store.getTx(up.txId)) {
      return `duplicate transaction found [${up.txId}]. Creator [${Buffer.from(up.creator).toString('hex')}]`;
    }
    return undefined;
  }

  async process(up: UnpackedProposal, sign: boolean): Promise<ProposalOutcome> {
    const refusal = this.preProcess(up);
    if (refusal) return { kind: 'refused', message: refusal };

    const handler = new StateHandler(this.store, this.settings.chaincodeName);
    const outcome = await this.runner.invoke(up, handler);
    const rwset = handler.close();
    if (handler.ledgerFailure) throw handler.ledgerFailure;
    if (outcome.peerError) return { kind: 'failed', message: outcome.message };
    if (outcome.status >= 400)
      return { kind: 'chaincode-error', status: outcome.status, message: outcome.message };

    const response = { status: outcome.status, message: outcome.message, payload: outcome.payload };
    const touched = rwset.reads.length > 0 || rwset.writes.length > 0;
    const event = outcome.event
      ? encodeChaincodeEvent(this.settings.chaincodeName, up.txId, outcome.event.name, outcome.event.payload)
      : undefined;
    const proposalResponsePayload = encodeProposalResponsePayload({
      proposalHash: up.proposalHash,
      response,
      results: touched ? encodeTxRwSet(rwset) : new Uint8Array(),
      events: event,
      chaincodeName: this.settings.chaincodeName,
      chaincodeVersion: this.settings.chaincodeVersion,
    });
    const endorser = this.settings.peerIdentity;
    const endorsement = sign
      ? encodeEndorsement(
          endorser,
          signLowS(Buffer.concat([proposalResponsePayload, endorser]), this.settings.peerKey),
        )
      : new Uint8Array();
    return {
      kind: 'endorsed',
      response,
      endorsed: {
        proposalHash: up.proposalHash,
        proposalResponsePayload,
        endorsement,
        rwsets: touched ? [rwset] : [],
        event,
      },
    };
  }
}
