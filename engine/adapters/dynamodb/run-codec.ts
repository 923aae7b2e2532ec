/**
 * How a run's body is stored in its item: Brotli-compressed JSON in a Binary attribute, marked
 * `encoding = br`. A 1000-step run is ~290 KB of JSON and ~5–30 KB compressed, so a save costs a
 * few write units instead of ~280, reads cost as much less, and the 400 KB item cap applies to
 * the compressed size. Items written before compression (`data` a JSON string, no `encoding`)
 * still load.
 */
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants } from 'node:zlib';
import type { Run } from '../../run.js';
import { assertFitsInItem } from './errors.js';
import type { Item } from './items.js';

const compress = promisify(brotliCompress);
const decompress = promisify(brotliDecompress);

/** The format marker of compressed run bodies. */
export const RUN_BODY_ENCODING = 'br';

/**
 * Quality 4 of 11: measured on a 1000-step run, ~1 ms for a 55× smaller body; higher qualities
 * take longer for a few percent less.
 */
const BROTLI_QUALITY = 4;

/** The body attributes of a run item: `data` (B, compressed JSON) and `encoding`. */
export async function encodeRunBody(run: Run): Promise<Pick<Item, 'data' | 'encoding'>> {
  const json = Buffer.from(JSON.stringify(run), 'utf8');
  const data = await compress(json, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: json.length,
    },
  });
  assertFitsInItem('run', data, { runId: run.id, uncompressedBytes: json.length });
  return { data, encoding: RUN_BODY_ENCODING };
}

/** Reads a run item's body, compressed or (written by older versions) plain JSON. */
export async function decodeRunBody(item: Item): Promise<Run> {
  if (item.encoding === RUN_BODY_ENCODING) {
    const json = await decompress(item.data as Uint8Array);
    return JSON.parse(json.toString('utf8')) as Run;
  }
  return JSON.parse(item.data as string) as Run;
}
