import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Account, logIn, registrationInput } from '../../test/support/accounts.js';
import { followCommand, type ReceivedState } from '../../test/support/followCommand.js';
import { type FollowingClient, followingClient, sendMutation } from './graphqlClient.js';
import { adminEmail } from './supervisedPipeline.js';

const mutations = {
  REGISTER: `mutation($input: RegisterInput!) { register(input: $input) { commandId status profileId } }`,
  SUBMIT_KYC: `mutation($input: SubmitKycInput!) { submitKyc(input: $input) { commandId status profileId } }`,
  REVIEW_KYC: `mutation($input: ReviewKycInput!) { reviewKyc(input: $input) { commandId status profileId } }`,
  MINT: `mutation($input: MintInput!) { mint(input: $input) { commandId status profileId } }`,
  TRANSFER: `mutation($input: TransferInput!) { transfer(input: $input) { commandId status profileId } }`,
};
type CommandType = keyof typeof mutations;

/** One command the load sent and the api accepted, with what its subscriber saw. */
export interface SentCommand {
  commandId: string;
  type: CommandType;
  /** Minted or transferred, in the smallest unit. */
  amount?: bigint;
  /** Sent more than once (same idempotency key) before the api answered with a receipt. */
  resent: boolean;
  states: ReceivedState[];
  /** Set once the subscription ended: completed by the server, or failed with this reason. */
  ended?: { completed: true } | { completed: false; reason: string };
}

interface Member {
  account: Account;
  following: FollowingClient;
  /** Balance not yet promised to a transfer in flight. */
  available: bigint;
  kyc: 'NONE' | 'PENDING' | 'APPROVED' | 'REJECTED';
  kycBusy: boolean;
}

export interface MixedLoadOptions {
  apiUrl: string;
  /** Wallets that send and receive transfers. */
  members: number;
  /** Operations started per second. */
  ratePerSecond: number;
  /** How long one operation keeps re-sending its mutation through an outage before giving up. */
  acceptWithinMs?: number;
}

const initialMint = 1_000_000n;
const anonymousClients = 4;

/**
 * A steady mixed load through the public api, as many users would send it: registrations, KYC
 * submissions and reviews, admin mints and transfers among many wallets. Every accepted command is
 * followed to its end by a graphql-ws subscription on its sender's own reconnecting client. A
 * mutation that meets a fault (no answer, a 5xx) is sent again with the same idempotency key until
 * the api answers, as a careful client does; a refusal is counted, never retried.
 */
export class MixedLoad {
  readonly sent: SentCommand[] = [];
  readonly refused = new Map<string, number>();
  gaveUp = 0;
  readonly #options: Required<MixedLoadOptions>;
  readonly #members: Member[] = [];
  readonly #recipients: string[] = [];
  readonly #anonymous: FollowingClient[] = [];
  #admin!: { account: Account; following: FollowingClient };
  readonly #inFlight = new Set<Promise<void>>();
  #ticker: NodeJS.Timeout | undefined;
  #ticks = 0;

  constructor(options: MixedLoadOptions) {
    this.#options = { acceptWithinMs: 180_000, ...options };
  }

  /** Signs the admin and the members up and gives every member an initial mint, all followed like the rest. */
  async prepare(): Promise<void> {
    const { apiUrl } = this.#options;
    for (let i = 0; i < anonymousClients; i++) this.#anonymous.push(followingClient(apiUrl));
    const admin = await this.#signUp(adminEmail);
    this.#admin = { account: admin, following: followingClient(apiUrl, admin.accessToken) };
    const accounts: Account[] = [];
    // a few at a time: each sign-up waits for its registration to go through the whole pipeline
    for (let i = 0; i < this.#options.members; i += 4) {
      const count = Math.min(4, this.#options.members - i);
      accounts.push(...(await Promise.all(Array.from({ length: count }, () => this.#signUp()))));
    }
    for (const account of accounts) {
      this.#members.push({
        account,
        following: followingClient(apiUrl, account.accessToken),
        available: 0n,
        kyc: 'NONE',
        kycBusy: false,
      });
      this.#recipients.push(account.profileId);
    }
    await Promise.all(this.#members.map((member) => this.#mint(member, initialMint)));
  }

  start(): void {
    this.#ticker = setInterval(() => this.#tick(), 1000 / this.#options.ratePerSecond);
  }

  /** Stops starting operations; those under way go on. */
  stop(): void {
    clearInterval(this.#ticker);
  }

  /** Waits until every operation has its receipt and its subscription has ended; false if some had not after `timeoutMs`. */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#inFlight.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.#inFlight]), sleep(1_000)]);
    }
    return this.#inFlight.size === 0;
  }

  /** How often the subscribers' sockets closed and came up again. */
  connectionStats(): { clients: number; closures: number; reconnections: number } {
    const clients = [this.#admin.following, ...this.#anonymous, ...this.#members.map((m) => m.following)];
    return {
      clients: clients.length,
      closures: clients.reduce((sum, c) => sum + c.closures(), 0),
      reconnections: clients.reduce((sum, c) => sum + Math.max(0, c.connections() - 1), 0),
    };
  }

  async close(): Promise<void> {
    const clients = [this.#admin?.following, ...this.#anonymous, ...this.#members.map((m) => m.following)];
    await Promise.all(clients.map((c) => c?.client.dispose()));
  }

  #tick(): void {
    const tick = this.#ticks++;
    const roll = Math.random();
    let operation: Promise<void>;
    if (roll < 0.1) operation = this.#register();
    else if (roll < 0.25) operation = this.#kyc() ?? this.#transfer();
    else if (roll < 0.35) operation = this.#mint(pick(this.#members), BigInt(1 + (tick % 1000)));
    else operation = this.#transfer();
    this.#track(operation);
  }

  #track(operation: Promise<void>): void {
    const tracked = operation.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  async #register(): Promise<void> {
    const input = registrationInput({ email: `load-${randomUUID()}@faults.example.com` });
    const command = await this.#send('REGISTER', input, undefined, this.#nextAnonymous());
    if (command?.states.at(-1)?.status === 'PROJECTED') this.#recipients.push(command.profileId);
  }

  /** Registers, follows the registration to PROJECTED and logs in. */
  async #signUp(email = `member-${randomUUID()}@faults.example.com`): Promise<Account> {
    const input = registrationInput({ email });
    const command = await this.#send('REGISTER', input, undefined, this.#nextAnonymous());
    if (command?.states.at(-1)?.status !== 'PROJECTED') {
      throw new Error(`sign-up of ${email} ended ${JSON.stringify(command?.states.at(-1) ?? 'unaccepted')}`);
    }
    return logIn(this.#options.apiUrl, command.profileId, email, input.password);
  }

  /** Registrations are followed without a token, spread over a few connections (each caps its subscriptions). */
  #nextAnonymous(): FollowingClient {
    return this.#anonymous[this.sent.length % this.#anonymous.length]!;
  }

  /** A review of a pending submission if there is one, else a member's submission; undefined when no member can take part now. */
  #kyc(): Promise<void> | undefined {
    const pending = this.#members.find((m) => m.kyc === 'PENDING' && !m.kycBusy);
    if (pending) return this.#review(pending);
    const submitter = this.#members.find((m) => (m.kyc === 'NONE' || m.kyc === 'REJECTED') && !m.kycBusy);
    if (submitter) return this.#submitKyc(submitter);
    return undefined;
  }

  async #submitKyc(member: Member): Promise<void> {
    member.kycBusy = true;
    const input = { documentType: 'PASSPORT', documentHash: randomBytes(32).toString('hex') };
    const command = await this.#send('SUBMIT_KYC', input, member.account.accessToken, member.following);
    if (command?.states.at(-1)?.status === 'PROJECTED') member.kyc = 'PENDING';
    member.kycBusy = false;
  }

  async #review(member: Member): Promise<void> {
    member.kycBusy = true;
    const approve = Math.random() < 0.5;
    const input = {
      profileId: member.account.profileId,
      decision: approve ? 'APPROVE' : 'REJECT',
      ...(approve ? {} : { reason: 'document unreadable' }),
    };
    const command = await this.#send(
      'REVIEW_KYC',
      input,
      this.#admin.account.accessToken,
      this.#admin.following,
    );
    if (command?.states.at(-1)?.status === 'PROJECTED') member.kyc = approve ? 'APPROVED' : 'REJECTED';
    member.kycBusy = false;
  }

  async #mint(member: Member, amount: bigint): Promise<void> {
    const input = { toProfileId: member.account.profileId, amount: amount.toString() };
    const command = await this.#send(
      'MINT',
      input,
      this.#admin.account.accessToken,
      this.#admin.following,
      amount,
    );
    if (command?.states.at(-1)?.status === 'PROJECTED') member.available += amount;
  }

  async #transfer(): Promise<void> {
    const amount = BigInt(1 + Math.floor(Math.random() * 100));
    const sender = this.#members.filter((m) => m.available >= amount);
    if (sender.length === 0) return;
    const from = pick(sender);
    const to = pick(this.#recipients.filter((id) => id !== from.account.profileId));
    from.available -= amount;
    const input = { toProfileId: to, amount: amount.toString(), memo: 'fault suite' };
    const command = await this.#send('TRANSFER', input, from.account.accessToken, from.following, amount);
    if (command?.states.at(-1)?.status === 'PROJECTED') {
      const recipient = this.#members.find((m) => m.account.profileId === to);
      if (recipient) recipient.available += amount;
    } else {
      from.available += amount;
    }
  }

  /** Sends until accepted, then follows the command to its end; undefined when the api refused it or never answered. */
  async #send(
    type: CommandType,
    input: object,
    token: string | undefined,
    following: FollowingClient,
    amount?: bigint,
  ): Promise<(SentCommand & { profileId: string }) | undefined> {
    const keyed = { ...input, idempotencyKey: randomUUID() };
    const deadline = Date.now() + this.#options.acceptWithinMs;
    let attempts = 0;
    for (;;) {
      attempts++;
      const answer = await sendMutation(this.#options.apiUrl, mutations[type], keyed, token);
      if (answer.kind === 'refused') {
        const reason = `${type} ${answer.code}`;
        this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
        return undefined;
      }
      if (answer.kind === 'receipt') {
        const command: SentCommand & { profileId: string } = {
          commandId: answer.receipt.commandId,
          profileId: answer.receipt.profileId,
          type,
          ...(amount !== undefined ? { amount } : {}),
          resent: attempts > 1,
          states: [],
        };
        this.sent.push(command);
        const followed = followCommand(following.client, command.commandId);
        command.states = followed.states;
        await followed.done.then(
          () => {
            command.ended = { completed: true };
          },
          (error: Error) => {
            command.ended = { completed: false, reason: error.message };
          },
        );
        return command;
      }
      if (Date.now() > deadline) {
        this.gaveUp++;
        return undefined;
      }
      await sleep(answer.waitMs);
    }
  }
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}
