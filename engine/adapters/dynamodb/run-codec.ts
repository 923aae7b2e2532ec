/**
 * Reads a run item's body in whichever layout it was written. Saves write the current one,
 * step segments (run-segments.ts, `encoding = br-steps`); items written earlier still load and
 * the next save rewrites them: `encoding = br` (the whole run as Brotli-compressed JSON in
 * `data`) and, older still, `data` a JSON string without `encoding`.
 */
import type { Run } from '../../run.js';
import { decompressJson } from './compression.js';
import type { Item } from './items.js';
import { decodeSegmentedRun, RUN_STEPS_ENCODING } from './run-segments.js';

/** The marker of whole compressed run bodies (the layout before step segments). */
export const RUN_BODY_ENCODING = 'br';

export function decodeRunBody(item: Item): Run {
  if (item.encoding === RUN_STEPS_ENCODING) return decodeSegmentedRun(item);
  if (item.encoding === RUN_BODY_ENCODING) {
    return JSON.parse(decompressJson(item.data as Uint8Array)) as Run;
  }
  return JSON.parse(item.data as string) as Run;
}
