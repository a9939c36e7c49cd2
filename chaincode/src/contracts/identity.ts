import { type Context, Contract } from 'fabric-contract-api';
import { runLedgerCall } from './runLedgerCall.js';

/**
 * Users, their wallets and their KYC. Fabric lists the class's own methods as its transactions,
 * with one string parameter per declared argument after `ctx`: keep helpers out of the class.
 */
export class IdentityContract extends Contract {
  constructor() {
    super('IdentityContract');
  }

  async CreateUser(
    ctx: Context,
    commandId: string,
    profileId: string,
    walletId: string,
    country: string,
    accountType: string,
    profileHash: string,
  ): Promise<string> {
    return runLedgerCall(ctx, 'REGISTER', [
      commandId,
      profileId,
      walletId,
      country,
      accountType,
      profileHash,
    ]);
  }

  async UpdateProfile(
    ctx: Context,
    commandId: string,
    profileId: string,
    country: string,
    profileHash: string,
  ): Promise<string> {
    return runLedgerCall(ctx, 'UPDATE_PROFILE', [commandId, profileId, country, profileHash]);
  }

  async SubmitKyc(
    ctx: Context,
    commandId: string,
    profileId: string,
    documentType: string,
    documentHash: string,
  ): Promise<string> {
    return runLedgerCall(ctx, 'SUBMIT_KYC', [commandId, profileId, documentType, documentHash]);
  }

  async ReviewKyc(
    ctx: Context,
    commandId: string,
    profileId: string,
    decision: string,
    reasonHash: string,
  ): Promise<string> {
    return runLedgerCall(ctx, 'REVIEW_KYC', [commandId, profileId, decision, reasonHash]);
  }
}
