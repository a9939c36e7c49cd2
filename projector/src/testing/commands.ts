import { randomBytes, randomUUID } from 'node:crypto';
import { commands, credentials, type Db, type NewCommandRow } from '@gx/db';
import type { CommittedTransaction, Ledger } from '@gx/fabric';
import type { BatchCommand, CommandStatus, CommandType, KycDecision } from '@gx/schema';

/** A command as the api records it (row with personal fields) and as it goes on the ledger. */
export interface TestCommand {
  ledger: BatchCommand;
  row: NewCommandRow & { id: string; type: CommandType; payload: Record<string, unknown> };
}

export interface TestUser {
  profileId: string;
  walletId: string;
  email: string;
}

const hex64 = () => randomBytes(32).toString('hex');

function command(
  type: CommandType,
  payload: Record<string, unknown>,
  args: Record<string, unknown>,
  aggregateId: string,
  touches: string[] = [],
): TestCommand {
  const id = randomUUID();
  return {
    ledger: { commandId: id, type, args } as BatchCommand,
    row: { id, type, aggregateId, touches, payload, correlationId: randomUUID() },
  };
}

export function register(
  user: TestUser = newUser(),
  names = { firstName: 'Ada', lastName: 'Lovelace' },
): TestCommand {
  const ledgerArgs = {
    profileId: user.profileId,
    walletId: user.walletId,
    country: 'DE',
    accountType: 'INDIVIDUAL',
    profileHash: hex64(),
  };
  return command('REGISTER', { ...ledgerArgs, email: user.email, ...names }, ledgerArgs, user.profileId, [
    user.walletId,
  ]);
}

export function newUser(): TestUser {
  const profileId = randomUUID();
  return { profileId, walletId: randomUUID(), email: `${profileId.slice(0, 8)}@example.com` };
}

export function updateProfile(
  user: TestUser,
  firstName: string,
  lastName: string,
  country = 'FR',
): TestCommand {
  const ledgerArgs = { profileId: user.profileId, country, profileHash: hex64() };
  return command('UPDATE_PROFILE', { ...ledgerArgs, firstName, lastName }, ledgerArgs, user.profileId);
}

export function submitKyc(user: TestUser, documentType = 'PASSPORT'): TestCommand {
  const args = { profileId: user.profileId, documentType, documentHash: hex64() };
  return command('SUBMIT_KYC', args, args, user.profileId);
}

export function reviewKyc(user: TestUser, decision: KycDecision, reason: string | null): TestCommand {
  const reasonHash = reason === null ? null : hex64();
  const ledgerArgs = { profileId: user.profileId, decision, reasonHash };
  return command('REVIEW_KYC', { ...ledgerArgs, reason }, ledgerArgs, user.profileId);
}

export function mint(to: TestUser, amount: string): TestCommand {
  const ledgerArgs = { toWalletId: to.walletId, amount };
  return command('MINT', { ...ledgerArgs, toProfileId: to.profileId }, ledgerArgs, to.walletId);
}

export function transfer(
  from: TestUser,
  to: TestUser,
  amount: string,
  memo: string | null = null,
): TestCommand {
  const ledgerArgs = { fromWalletId: from.walletId, toWalletId: to.walletId, amount };
  return command(
    'TRANSFER',
    { ...ledgerArgs, fromProfileId: from.profileId, toProfileId: to.profileId, memo },
    ledgerArgs,
    from.walletId,
    [to.walletId],
  );
}

/** Inserts the command rows as the api would (and the credentials of registrations). */
export async function recordCommands(
  db: Db,
  list: readonly TestCommand[],
  status: CommandStatus = 'ACCEPTED',
): Promise<void> {
  if (list.length === 0) return;
  for (let i = 0; i < list.length; i += 1_000) {
    const slice = list.slice(i, i + 1_000);
    await db.insert(commands).values(slice.map((c) => ({ ...c.row, status })));
    const registrations = slice.filter((c) => c.row.type === 'REGISTER');
    if (registrations.length > 0) {
      await db.insert(credentials).values(
        registrations.map((c) => ({
          profileId: c.row.payload.profileId as string,
          email: c.row.payload.email as string,
          passwordHash: '$2b$10$not-a-real-hash',
          registerCommandId: c.row.id,
        })),
      );
    }
  }
}

/** Puts commands on the ledger in one transaction (a batch when more than one) and waits for its commit. */
export async function commitOnLedger(
  ledger: Ledger,
  list: readonly TestCommand[],
): Promise<CommittedTransaction> {
  const prepared = await ledger.prepare(list.map((c) => c.ledger));
  return ledger.submitPrepared(prepared.envelope);
}
