import type { OrderedTx } from './envelope.js';

export interface BlockCutterSettings {
  /** Cut a block at this many transactions (Fabric's BatchSize.MaxMessageCount). */
  batchSize: number;
  /** Cut a block this long after its first transaction arrived (Fabric's BatchTimeout). */
  batchTimeoutMs: number;
  /** Cut before a block's envelopes exceed this many bytes (Fabric's BatchSize.PreferredMaxBytes). */
  preferredMaxBytes: number;
}

/**
 * The ordering service's block cutter (solo): transactions are ordered as they are accepted and
 * cut into batches by count, size and timeout; each batch becomes the next block.
 */
export class BlockCutter {
  private pending: OrderedTx[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: BlockCutterSettings,
    private readonly onBatch: (batch: OrderedTx[]) => void,
  ) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  enqueue(tx: OrderedTx): void {
    const size = tx.envelope.length;
    if (this.pending.length > 0 && this.pendingBytes + size > this.settings.preferredMaxBytes) this.cut();
    this.pending.push(tx);
    this.pendingBytes += size;
    if (
      this.pending.length >= this.settings.batchSize ||
      this.pendingBytes >= this.settings.preferredMaxBytes
    ) {
      this.cut();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.cut(), this.settings.batchTimeoutMs);
    }
  }

  /** Cuts whatever is pending now (used when stopping, so accepted transactions still commit). */
  cut(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.onBatch(batch);
  }
}
