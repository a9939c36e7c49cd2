import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '@gx/db';
import type { Ledger } from '@gx/fabric';
import type { CommandStatus, KycDecision } from '@gx/schema';
import {
  commitOnLedger,
  mint,
  newUser,
  recordCommands,
  register,
  reviewKyc,
  submitKyc,
  type TestCommand,
  type TestUser,
  transfer,
  updateProfile,
} from './commands.js';

type KycState = 'NONE' | 'PENDING' | 'APPROVED' | 'REJECTED';

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const amount = (max: number) => String(1 + Math.floor(Math.random() * max));

/**
 * A mixed stream of commands of every type: registrations (each with a first mint), mints,
 * transfers (some of them overdrawn, which the chaincode refuses), profile updates, KYC submissions
 * and reviews. Every command yields one domain event or one refusal.
 */
export class Workload {
  readonly users: (TestUser & { kyc: KycState })[] = [];
  #serial = 0;

  constructor(private readonly targetUsers = 60) {}

  next(size: number): TestCommand[] {
    const batch: TestCommand[] = [];
    while (batch.length < size) {
      if (
        this.users.length < Math.max(2, this.targetUsers) &&
        (this.users.length < 2 || Math.random() < 0.3)
      ) {
        const user = { ...newUser(), kyc: 'NONE' as KycState };
        this.users.push(user);
        batch.push(register(user, { firstName: `First${++this.#serial}`, lastName: `Last${this.#serial}` }));
        if (batch.length < size) batch.push(mint(user, amount(10_000)));
        continue;
      }
      const user = pick(this.users);
      const roll = Math.random();
      if (roll < 0.45) {
        let other = pick(this.users);
        while (other === user) other = pick(this.users);
        batch.push(
          transfer(user, other, amount(3_000), Math.random() < 0.5 ? `memo ${++this.#serial}` : null),
        );
      } else if (roll < 0.65) {
        batch.push(mint(user, amount(2_000)));
      } else if (roll < 0.8) {
        batch.push(
          updateProfile(user, `First${++this.#serial}`, `Last${this.#serial}`, pick(['DE', 'FR', 'NL'])),
        );
      } else if (user.kyc === 'NONE' || user.kyc === 'REJECTED') {
        batch.push(submitKyc(user, pick(['PASSPORT', 'NATIONAL_ID', 'DRIVERS_LICENSE'])));
        user.kyc = 'PENDING';
      } else if (user.kyc === 'PENDING') {
        const decision: KycDecision = Math.random() < 0.7 ? 'APPROVE' : 'REJECT';
        batch.push(
          reviewKyc(user, decision, decision === 'REJECT' ? `blurred scan ${++this.#serial}` : null),
        );
        user.kyc = decision === 'APPROVE' ? 'APPROVED' : 'REJECTED';
      } else {
        batch.push(mint(user, amount(500)));
      }
    }
    return batch;
  }
}

export interface RunWorkloadOptions {
  total: number;
  batchSize: number;
  /** Pause between transactions, to spread the stream over time. */
  pauseMs?: number;
  /** The status the rows are recorded with (as the api, or after the submitter). */
  status?: CommandStatus;
  workload?: Workload;
}

/** Records and commits `total` commands, `batchSize` per ledger transaction, one transaction at a time. */
export async function runWorkload(
  db: Db,
  ledger: Ledger,
  options: RunWorkloadOptions,
): Promise<TestCommand[]> {
  const workload = options.workload ?? new Workload();
  const all: TestCommand[] = [];
  while (all.length < options.total) {
    const batch = workload.next(Math.min(options.batchSize, options.total - all.length));
    await recordCommands(db, batch, options.status ?? 'SUBMITTED');
    await commitOnLedger(ledger, batch);
    all.push(...batch);
    if (options.pauseMs) await sleep(options.pauseMs);
  }
  return all;
}
