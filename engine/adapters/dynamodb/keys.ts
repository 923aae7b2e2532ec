/**
 * Item keys of the run store's single table. Numbers inside sort keys are zero-padded so that
 * DynamoDB's byte-order sort equals numeric order (audit seq, run creation time).
 */

const SEQ_DIGITS = 12;
const TIME_DIGITS = 15;

function pad(value: number, digits: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot use ${value} in a sort key`);
  return String(value).padStart(digits, '0');
}

export interface ItemKey {
  PK: string;
  SK: string;
  [attribute: string]: string;
}

export const keys = {
  run: (runId: string): ItemKey => ({ PK: `RUN#${runId}`, SK: 'RUN' }),
  /** One event in its own item: a spilled (large) event, or one written before audit pages. */
  audit: (runId: string, seq: number): ItemKey => ({ PK: `RUN#${runId}`, SK: auditSortKey(seq) }),
  /** The audit page holding `seq` (see AUDIT_PAGE_SIZE). */
  auditPage: (runId: string, seq: number): ItemKey => ({
    PK: `RUN#${runId}`,
    SK: `${auditSortKey(auditPageFirstSeq(seq))}#PAGE`,
  }),
  lease: (runId: string): ItemKey => ({ PK: `RUN#${runId}`, SK: 'LEASE' }),
  gate: (runId: string, stepKey: string): ItemKey => ({ PK: `RUN#${runId}`, SK: `GATE#${stepKey}` }),
  lock: (name: string): ItemKey => ({ PK: `LOCK#${name}`, SK: 'LOCK' }),
  doc: (kind: string, id: string): ItemKey => ({ PK: `DOC#${kind}`, SK: id }),
  tier: (runbook: string): ItemKey => ({ PK: `TIER#${runbook}`, SK: 'TIER' }),
};

export function auditSortKey(seq: number): string {
  return `AUDIT#${pad(seq, SEQ_DIGITS)}`;
}

/**
 * Audit events are stored by pages of this many consecutive seqs (1–16, 17–32, …), one item per
 * page, so an append of a commit's events is one or two conditional writes instead of one per
 * event. Small enough that a page stays a few KB (write units grow with the item's size).
 */
export const AUDIT_PAGE_SIZE = 16;

/** The first seq of the page holding `seq`. */
export function auditPageFirstSeq(seq: number): number {
  return seq - ((seq - 1) % AUDIT_PAGE_SIZE);
}

/**
 * Above every audit sort key, single-event (`AUDIT#<seq>`) and page (`AUDIT#<first seq>#PAGE`)
 * alike, to bound range queries: `~` sorts after digits and `#`.
 */
export const LAST_AUDIT_SORT_KEY = 'AUDIT#~';

/** Partition of the all-runs index. One partition is plenty at DR-run volumes (a few a day). */
export const ALL_RUNS_PARTITION = 'RUNS';

export function runbookPartition(runbook: string): string {
  return `RUNBOOK#${runbook}`;
}

/** Newest-first index sort key: creation time, then the id to keep equal times apart. */
export function runListSortKey(createdAt: number, runId: string): string {
  return `${pad(createdAt, TIME_DIGITS)}#${runId}`;
}
