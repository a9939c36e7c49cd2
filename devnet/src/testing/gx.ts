import { randomUUID } from 'node:crypto';
import type { CommandResult } from '@gx/schema';
import type { Contract } from '@hyperledger/fabric-gateway';

export const profileHash = 'a'.repeat(64);

export function parseResult(bytes: Uint8Array): CommandResult {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as CommandResult;
}

/** Registers a user through the real chaincode; answers its ids. */
export async function register(contract: Contract): Promise<{ profileId: string; walletId: string }> {
  const profileId = randomUUID();
  const walletId = randomUUID();
  await contract.submitTransaction(
    'IdentityContract:CreateUser',
    randomUUID(),
    profileId,
    walletId,
    'DE',
    'INDIVIDUAL',
    profileHash,
  );
  return { profileId, walletId };
}

export async function mint(contract: Contract, walletId: string, amount: string, commandId = randomUUID()) {
  return parseResult(
    await contract.submitTransaction('TokenomicsContract:Mint', commandId, walletId, amount),
  );
}
