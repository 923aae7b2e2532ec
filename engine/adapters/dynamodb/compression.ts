/**
 * Brotli for the JSON a run item holds (the run's header and its step segments, run-segments.ts):
 * a 1000-step run's ~300 KB of JSON is ~22 KB compressed by segments, so a save costs a few write
 * units instead of ~300 and the 400 KB item cap applies to the compressed size.
 *
 * Synchronous on purpose: the pieces are small (a header or a segment is 1–20 KB of JSON,
 * ~0.03–0.05 ms each), and the callback API's stream and thread-pool round trip cost ~1 ms per
 * save, on the critical path of every step wave (measured with --cpu-prof on bench/engine.ts).
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/**
 * Quality 2 of 11: on a bench run's segments and header, ~40% faster than quality 4 for ~3%
 * larger output; higher qualities take longer for a few percent less.
 */
const BROTLI_QUALITY = 2;

export function compressJson(json: string): Buffer {
  const bytes = Buffer.from(json, 'utf8');
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

export function decompressJson(data: Uint8Array): string {
  return brotliDecompressSync(data).toString('utf8');
}
