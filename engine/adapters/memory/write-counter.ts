/**
 * Counts store writes per operation, so benches can compare how many item writes each RunStore
 * method costs (DynamoDB bills per write, including conditional writes that fail).
 */

/** Store operations that write; a method may count several writes (one per item). */
export type StoreWriteOperation =
  | 'createRun'
  | 'saveRun'
  | 'appendAudit'
  | 'acquireLease'
  | 'releaseLease'
  | 'acquireLock'
  | 'releaseLock'
  | 'openGate'
  | 'recordApproval'
  | 'decideGate'
  | 'putDoc'
  | 'saveTier';

export class WriteCounter {
  private counts: Partial<Record<StoreWriteOperation, number>> = {};
  private sum = 0;

  /** Records `n` item writes attempted by `operation` (failed conditional writes count too). */
  add(operation: StoreWriteOperation, n = 1): void {
    this.counts[operation] = (this.counts[operation] ?? 0) + n;
    this.sum += n;
  }

  /** Total writes since creation or the last reset. */
  get total(): number {
    return this.sum;
  }

  /** A copy of the per-operation counts. */
  byOperation(): Partial<Record<StoreWriteOperation, number>> {
    return { ...this.counts };
  }

  reset(): void {
    this.counts = {};
    this.sum = 0;
  }
}
