/**
 * Writing the run item (layout in run-segments.ts). A whole write is a PutItem of every
 * attribute; a delta save (RunChanges) is one UpdateItem that sets the header, the summary, the
 * version and only the changed step segments:
 *
 *   SET #data = :data, #summary = :summary, #version = :version, #s3 = :s3, #s4 = :s4
 *   IF #version = :expected AND #layout = :layout
 *
 * Both are single-item conditional writes, so a save is applied whole or not at all and a crash
 * can never leave half of it visible. The version check is the one a whole save makes; the
 * layout check makes sure the stored segments are the ones the delta's positions refer to. When
 * it fails on the right version (an item in an older layout, or a different step count) the
 * save is written whole, as it is when the delta would break a DynamoDB limit.
 */
import type { RunChanges } from '../../ports.js';
import type { Run } from '../../run.js';
import { summarize } from '../../run.js';
import { staleRunError } from '../memory/store-errors.js';
import type { DynamoItems, Item } from './items.js';
import { ALL_RUNS_PARTITION, keys, runbookPartition, runListSortKey } from './keys.js';
import { encodeRunDelta, encodeWholeRun } from './run-segments.js';
import { RUN_STORE_TABLE } from './table-definition.js';

/** DynamoDB's limit on the length of an expression; a delta naming more segments is written whole. */
export const MAX_EXPRESSION_BYTES = 4096;

const HEADER_SET = 'SET #data = :data, #summary = :summary, #version = :version';

function deltaExpression(segmentAttributes: readonly string[]): string {
  return [HEADER_SET, ...segmentAttributes.map((a) => `#${a} = :${a}`)].join(', ');
}

/**
 * The run item: the run (header and step segments, compressed), its version for the condition,
 * and its index keys with the plain `summary` and `mode` the indexes project.
 */
export function runItem(run: Run): Item {
  const listKey = runListSortKey(run.createdAt, run.id);
  return {
    ...keys.run(run.id),
    version: run.version,
    ...encodeWholeRun(run),
    summary: JSON.stringify(summarize(run)),
    mode: run.mode,
    [RUN_STORE_TABLE.allRunsIndex.partitionKey]: ALL_RUNS_PARTITION,
    [RUN_STORE_TABLE.allRunsIndex.sortKey]: listKey,
    [RUN_STORE_TABLE.runbookRunsIndex.partitionKey]: runbookPartition(run.runbook.name),
    [RUN_STORE_TABLE.runbookRunsIndex.sortKey]: listKey,
  };
}

/** Saves the run when the stored version is `expectedVersion`: a delta when it can, else whole. */
export async function saveRunItem(
  items: DynamoItems,
  run: Run,
  expectedVersion: number,
  changes: RunChanges | undefined,
): Promise<void> {
  if (changes !== undefined) {
    const written = await saveDelta(items, run, expectedVersion, changes);
    if (written) return;
  }
  const saved = await items.put('saveRun', runItem(run), {
    expression: '#version = :expected',
    names: { '#version': 'version' },
    values: { ':expected': expectedVersion },
  });
  if (saved) return;
  const stored = await items.get(keys.run(run.id));
  throw staleRunError(run.id, expectedVersion, stored?.version as number | undefined);
}

/**
 * One conditional UpdateItem; `false` when the save must be written whole instead. A stale
 * version is the same ConflictError as a whole save's.
 */
async function saveDelta(
  items: DynamoItems,
  run: Run,
  expectedVersion: number,
  changes: RunChanges,
): Promise<boolean> {
  const delta = encodeRunDelta(
    run,
    changes,
    (segments) => Buffer.byteLength(deltaExpression(segments), 'utf8') <= MAX_EXPRESSION_BYTES,
  );
  if (delta === undefined) return false;
  const segments = [...delta.segments.keys()];
  const names: Record<string, string> = {
    '#data': 'data',
    '#summary': 'summary',
    '#version': 'version',
    '#layout': 'layout',
  };
  const values: Record<string, unknown> = {
    ':data': delta.data,
    ':summary': JSON.stringify(summarize(run)),
    ':version': run.version,
    ':expected': expectedVersion,
    ':layout': delta.layout,
  };
  for (const [attribute, segment] of delta.segments) {
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = segment;
  }
  let updated: Item | undefined;
  try {
    updated = await items.update(
      'saveRun',
      keys.run(run.id),
      { UpdateExpression: deltaExpression(segments), ReturnValues: 'NONE' },
      { expression: '#version = :expected AND #layout = :layout', names, values },
    );
  } catch (err) {
    // The item would outgrow 400 KB: the whole write measures it and says so (STORE_ITEM_TOO_LARGE).
    if (isItemSizeExceeded(err)) return false;
    throw err;
  }
  if (updated !== undefined) return true;
  const stored = await items.get(keys.run(run.id));
  if (stored?.version !== expectedVersion) {
    throw staleRunError(run.id, expectedVersion, stored?.version as number | undefined);
  }
  return false;
}

function isItemSizeExceeded(err: unknown): boolean {
  return err instanceof Error && err.name === 'ValidationException' && /item size/i.test(err.message);
}
