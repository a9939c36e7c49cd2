import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import { RpcError } from './errors.js';

/** Faults a test can inject: every call delayed, or every call refused as by an unreachable peer. */
export interface Fault {
  delayMs?: number;
  unavailable?: boolean;
}

export type FaultListener = (fault: Required<Fault>) => void;

/** The current injected fault; each gRPC call passes `gate()` before doing anything. */
export class Faults {
  private fault: Required<Fault> = { delayMs: 0, unavailable: false };
  private readonly listeners = new Set<FaultListener>();

  get current(): Required<Fault> {
    return { ...this.fault };
  }

  /** Replaces the fault; fields left out are cleared, so `set({})` clears everything. */
  set(fault: Fault): void {
    const delayMs = fault.delayMs ?? 0;
    if (!Number.isFinite(delayMs) || delayMs < 0)
      throw new RangeError(`delayMs must be a non-negative number`);
    this.fault = { delayMs, unavailable: fault.unavailable ?? false };
    for (const listener of this.listeners) listener(this.current);
  }

  onChange(listener: FaultListener): void {
    this.listeners.add(listener);
  }

  async gate(): Promise<void> {
    if (this.fault.delayMs > 0) await sleep(this.fault.delayMs);
    if (this.fault.unavailable) throw unavailable();
  }
}

export function unavailable(): RpcError {
  return new RpcError(status.UNAVAILABLE, 'devnet is unavailable (injected fault)');
}
