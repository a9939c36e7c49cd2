import { type Context, Contract } from 'fabric-contract-api';
import { runLedgerCall } from './runLedgerCall.js';

/** Minting and transfers. Like every contract here, its own methods are its transactions. */
export class TokenomicsContract extends Contract {
  constructor() {
    super('TokenomicsContract');
  }

  async Mint(ctx: Context, commandId: string, toWalletId: string, amount: string): Promise<string> {
    return runLedgerCall(ctx, 'MINT', [commandId, toWalletId, amount]);
  }

  async Transfer(
    ctx: Context,
    commandId: string,
    fromWalletId: string,
    toWalletId: string,
    amount: string,
  ): Promise<string> {
    return runLedgerCall(ctx, 'TRANSFER', [commandId, fromWalletId, toWalletId, amount]);
  }
}
