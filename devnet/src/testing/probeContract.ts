import { type Context, Contract } from 'fabric-contract-api';

/** A small contract that exercises the peer-side semantics devnet must get right (state, events, identity, deadlines). */
export class ProbeContract extends Contract {
  constructor() {
    super('ProbeContract');
  }

  async Put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
  }

  async Get(ctx: Context, key: string): Promise<string> {
    return Buffer.from(await ctx.stub.getState(key)).toString();
  }

  /** Answers what a read sees right after the transaction's own write of the key. */
  async PutThenGet(ctx: Context, key: string, value: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from(value));
    return Buffer.from(await ctx.stub.getState(key)).toString();
  }

  async Delete(ctx: Context, key: string): Promise<void> {
    await ctx.stub.deleteState(key);
  }

  /** Reads and rewrites a counter, setting an event with the new value. */
  async Increment(ctx: Context, key: string): Promise<string> {
    const next = String(Number(Buffer.from(await ctx.stub.getState(key)).toString() || '0') + 1);
    await ctx.stub.putState(key, Buffer.from(next));
    ctx.stub.setEvent(
      'Incremented',
      Buffer.from(JSON.stringify({ key, value: next, txId: ctx.stub.getTxID() })),
    );
    return next;
  }

  /** Reads `from` and writes its value to `to`. */
  async Copy(ctx: Context, from: string, to: string): Promise<void> {
    await ctx.stub.putState(to, Buffer.from(await ctx.stub.getState(from)));
  }

  async Private(ctx: Context, key: string): Promise<string> {
    return Buffer.from(await ctx.stub.getPrivateData('secrets', key)).toString();
  }

  async Caller(ctx: Context): Promise<string> {
    return JSON.stringify({ mspId: ctx.clientIdentity.getMSPID(), id: ctx.clientIdentity.getID() });
  }

  /** Sets an event whose payload is `size` bytes, writing nothing. */
  async Emit(ctx: Context, sequence: string, size: string): Promise<void> {
    ctx.stub.setEvent(
      'Emitted',
      Buffer.concat([Buffer.from(`${sequence}:`), Buffer.alloc(Number(size), 120)]),
    );
  }

  async Stall(): Promise<void> {
    await new Promise(() => undefined);
  }

  async Refuse(_ctx: Context, reason: string): Promise<void> {
    throw new Error(reason);
  }
}
