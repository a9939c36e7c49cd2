import {
  type BatchCommand,
  BatchVerdicts,
  batchEventName,
  CommandResult,
  CommandsApplied,
  ledgerFunctions,
  TransferCompleted,
  toLedgerArgList,
  UserCreated,
} from '@gx/schema';
import { type ChaincodeResponse, ChaincodeStub } from 'fabric-shim';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChaincode } from './chaincode.js';
import { clientCertificatePem } from './testing/clientCertificate.js';
import { minting, nextId, registration, transferring } from './testing/commands.js';

/** Protobuf's length-delimited field (wire type 2): all the proposal below is made of. */
function field(fieldNumber: number, value: Uint8Array | string): Buffer {
  const bytes = Buffer.from(value);
  return Buffer.concat([varint((fieldNumber << 3) | 2), varint(bytes.length), bytes]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  for (; rest > 0x7f; rest >>>= 7) bytes.push((rest & 0x7f) | 0x80);
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** A `peer.SignedProposal` as the stub decodes it: the creator's MSP id and certificate matter. */
function signedProposal(mspId: string, channelId: string, txId: string) {
  const creator = Buffer.concat([field(1, mspId), field(2, clientCertificatePem)]); // msp.SerializedIdentity
  const signatureHeader = Buffer.concat([field(1, creator), field(2, txId)]); // common.SignatureHeader (creator, nonce)
  const channelHeader = Buffer.concat([field(4, channelId), field(5, txId)]); // common.ChannelHeader
  const header = Buffer.concat([field(1, channelHeader), field(2, signatureHeader)]); // common.Header
  const payload = field(1, 'invocation spec'); // peer.ChaincodeProposalPayload.input, unread by the stub
  const proposal = Buffer.concat([field(1, header), field(2, payload)]); // peer.Proposal
  return { getSignature: () => new Uint8Array(), getProposalBytes: () => proposal };
}

type StubConstructor = new (
  handler: object,
  channelId: string,
  txId: string,
  input: { getArgsList_asU8(): Uint8Array[] },
  proposal: ReturnType<typeof signedProposal>,
) => ChaincodeStub & { chaincodeEvent?: { getEventName(): string; getPayload_asU8(): Uint8Array } };

/**
 * The least of a peer: world state in a map, fabric-shim's real stub per transaction, writes
 * kept only when the chaincode answers 200. Like Fabric, reads never see the transaction's own writes.
 */
class MemoryPeer {
  readonly world = new Map<string, Buffer>();
  readonly #chaincode = createChaincode();
  #transactions = 0;

  async invoke(mspId: string, fn: string, ...args: string[]) {
    const txId = `tx${++this.#transactions}`;
    const writes = new Map<string, Buffer>();
    const putCounts = new Map<string, number>();
    const handler = {
      handleGetState: async (_collection: string, key: string) => this.world.get(key) ?? Buffer.alloc(0),
      handlePutState: async (_collection: string, key: string, value: Buffer) => {
        writes.set(key, value);
        putCounts.set(key, (putCounts.get(key) ?? 0) + 1);
      },
    };
    const input = { getArgsList_asU8: () => [fn, ...args].map((arg) => Buffer.from(arg)) };
    const stub = new (ChaincodeStub as unknown as StubConstructor)(
      handler,
      'gx-channel',
      txId,
      input,
      signedProposal(mspId, 'gx-channel', txId),
    );

    const response: ChaincodeResponse = await this.#chaincode.Invoke(stub);

    if (response.status === 200) for (const [key, value] of writes) this.world.set(key, value);
    const event = stub.chaincodeEvent && {
      name: stub.chaincodeEvent.getEventName(),
      payload: JSON.parse(Buffer.from(stub.chaincodeEvent.getPayload_asU8()).toString()),
    };
    const payload = response.payload?.length ? Buffer.from(response.payload).toString() : undefined;
    return { status: response.status, message: response.message, payload, event, putCounts };
  }

  /** Calls the single function of a command's type with its positional string arguments. */
  call(mspId: string, command: BatchCommand) {
    const { contract, name } = ledgerFunctions[command.type];
    return this.invoke(
      mspId,
      `${contract}:${name}`,
      ...toLedgerArgList(command.type, command.commandId, command.args),
    );
  }
}

const operatorMsp = 'GxMSP';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the contracts through fabric-shim', () => {
  it('lists every ledger function with its positional arguments in GetMetadata', async () => {
    const peer = new MemoryPeer();
    const { status, payload } = await peer.invoke(operatorMsp, 'org.hyperledger.fabric:GetMetadata');
    expect(status).toBe(200);
    const metadata = JSON.parse(payload ?? '');

    const listed = Object.fromEntries(
      Object.entries<{ transactions: { name: string; parameters?: unknown[] }[] }>(metadata.contracts).map(
        ([contract, { transactions }]) => [
          contract,
          transactions
            .map((transaction) => `${transaction.name}/${transaction.parameters?.length ?? 0}`)
            .sort(),
        ],
      ),
    );
    const expected: Record<string, string[]> = { BatchContract: ['ApplyCommands/1'] };
    for (const { contract, name, params } of Object.values(ledgerFunctions)) {
      expected[contract] = [...(expected[contract] ?? []), `${name}/${params.length + 1}`].sort();
    }
    expect(listed).toEqual({ ...expected, 'org.hyperledger.fabric': ['GetMetadata/0'] });
  });

  it('applies a single function: one domain event, the CommandResult as payload, the state committed', async () => {
    const peer = new MemoryPeer();
    const register = registration();

    const { status, payload, event } = await peer.call('OtherMSP', register);

    expect(status).toBe(200);
    const result = CommandResult.parse(JSON.parse(payload ?? ''));
    expect(result).toMatchObject({ commandId: register.commandId, outcome: 'APPLIED' });
    expect(event).toEqual({ name: 'UserCreated', payload: UserCreated.parse(event?.payload) });
    expect(result.outcome === 'APPLIED' && result.event).toEqual(event);
    expect([...peer.world.keys()].sort()).toEqual([
      `command:${register.commandId}`,
      `user:${register.args.profileId}`,
      `wallet:${register.args.walletId}`,
    ]);
  });

  it('answers a repeated single command ALREADY_APPLIED, with no event and no write', async () => {
    const peer = new MemoryPeer();
    const register = registration();
    await peer.call(operatorMsp, register);

    const repeat = await peer.call(operatorMsp, register);

    expect(repeat.status).toBe(200);
    expect(JSON.parse(repeat.payload ?? '')).toEqual({
      commandId: register.commandId,
      outcome: 'ALREADY_APPLIED',
    });
    expect(repeat.event).toBeUndefined();
    expect(repeat.putCounts.size).toBe(0);
  });

  it('turns a refusal into status 500 with the reason, writing nothing', async () => {
    const peer = new MemoryPeer();
    const alice = registration();
    const bob = registration();
    await peer.call(operatorMsp, alice);
    await peer.call(operatorMsp, bob);
    const before = new Map(peer.world);

    const overdraw = await peer.call(operatorMsp, transferring(alice.args.walletId, bob.args.walletId, '10'));

    expect(overdraw).toMatchObject({
      status: 500,
      message: `insufficient funds: wallet ${alice.args.walletId} has 0, needs 10`,
      event: undefined,
    });
    expect(peer.world).toEqual(before);
  });

  it('lets only the operator mint, the operator being OPERATOR_MSP_ID', async () => {
    const peer = new MemoryPeer();
    const alice = registration();
    await peer.call(operatorMsp, alice);

    expect(await peer.call('OtherMSP', minting(alice.args.walletId, '5'))).toMatchObject({
      status: 500,
      message: 'Mint is only for the operator (MSP GxMSP), caller is OtherMSP',
    });

    vi.stubEnv('OPERATOR_MSP_ID', 'OtherMSP');
    const mint = await peer.call('OtherMSP', minting(alice.args.walletId, '5'));
    expect(mint.status).toBe(200);
    expect(TransferCompleted.parse(mint.event?.payload)).toMatchObject({
      fromWalletId: null,
      toBalance: '5',
    });
  });

  it('refuses bad arguments, a wrong argument count and unknown functions', async () => {
    const peer = new MemoryPeer();
    expect(await peer.invoke(operatorMsp, 'TokenomicsContract:Mint', nextId(), nextId(), '-1')).toMatchObject(
      {
        status: 500,
        message:
          'invalid arguments to Mint: amount: must be a positive integer of at most 30 digits, as a string',
      },
    );
    expect(await peer.invoke(operatorMsp, 'TokenomicsContract:Mint', nextId(), '5')).toMatchObject({
      status: 500,
      message: 'Expected 3 parameters, but 2 have been supplied',
    });
    expect(await peer.invoke(operatorMsp, 'TokenomicsContract:Burn', nextId())).toMatchObject({
      status: 500,
      message: "You've asked to invoke a function that does not exist: TokenomicsContract:Burn",
    });
    expect(peer.world.size).toBe(0);
  });

  it('applies a batch: one CommandsApplied event equal to the payload, each key written once, repeats caught', async () => {
    const peer = new MemoryPeer();
    const alice = registration();
    const bob = registration();
    const from = alice.args.walletId;
    const to = bob.args.walletId;
    const mint = minting(from, '100');
    const commands = [
      alice,
      bob,
      mint,
      transferring(from, to, '60'),
      transferring(from, to, '50'),
      transferring(from, to, '40'),
      mint,
    ];

    const { status, payload, event, putCounts } = await peer.invoke(
      operatorMsp,
      'BatchContract:ApplyCommands',
      JSON.stringify(commands),
    );

    expect(status).toBe(200);
    expect(event?.name).toBe(batchEventName);
    const applied = CommandsApplied.parse(event?.payload);
    // The result is each command's verdict alone: the events are in the event.
    expect(JSON.parse(payload ?? '')).toEqual(BatchVerdicts.parse(applied));
    expect(payload).not.toContain('"event"');
    expect(JSON.parse(payload ?? '').results[4]).toEqual({
      commandId: commands[4]?.commandId,
      outcome: 'REJECTED',
      reason: `insufficient funds: wallet ${from} has 40, needs 50`,
    });
    expect(applied.results.map((result) => result.outcome)).toEqual([
      'APPLIED',
      'APPLIED',
      'APPLIED',
      'APPLIED',
      'REJECTED',
      'APPLIED',
      'ALREADY_APPLIED',
    ]);
    expect(applied.results[4]).toMatchObject({
      reason: `insufficient funds: wallet ${from} has 40, needs 50`,
    });
    expect(applied.results[5]).toMatchObject({ event: { payload: { fromBalance: '0', toBalance: '100' } } });
    expect([...putCounts.values()].every((count) => count === 1)).toBe(true);
    expect(JSON.parse(peer.world.get(`wallet:${from}`)?.toString() ?? '')).toMatchObject({ balance: '0' });
  });

  it('answers a single command refused earlier in a batch with its first reason', async () => {
    const peer = new MemoryPeer();
    const mint = minting(nextId(), '5');
    await peer.invoke(operatorMsp, 'BatchContract:ApplyCommands', JSON.stringify([mint]));

    expect(await peer.call(operatorMsp, mint)).toMatchObject({
      status: 500,
      message: `wallet ${mint.args.toWalletId} does not exist`,
    });
  });

  it('refuses a whole batch that is not a list of valid commands', async () => {
    const peer = new MemoryPeer();
    expect(await peer.invoke(operatorMsp, 'BatchContract:ApplyCommands', 'not json')).toMatchObject({
      status: 500,
      message: 'invalid input to ApplyCommands: commandsJson is not valid JSON',
      event: undefined,
    });
    expect(peer.world.size).toBe(0);
  });
});
