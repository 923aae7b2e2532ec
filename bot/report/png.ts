/**
 * SVG → PNG with @resvg/resvg-js (Rust resvg, prebuilt per platform as optionalDependencies, so
 * `npm ci` needs no compiler or download). Loaded lazily: only the weekly scorecard's chart
 * needs it, and a platform without a prebuilt binary still runs every other part of drbot.
 */
import { DrbotError } from '../../engine/errors.js';

export async function svgToPng(svg: string, width = 1280): Promise<Buffer> {
  let Resvg: typeof import('@resvg/resvg-js').Resvg;
  try {
    // A specifier bundlers leave alone: the Lambda bundle (esbuild) cannot inline a native
    // addon, so there the import fails at run time and the scorecard goes out without its chart.
    const name: string = '@resvg/resvg-js';
    ({ Resvg } = (await import(name)) as typeof import('@resvg/resvg-js'));
  } catch (err) {
    throw new DrbotError('The chart renderer @resvg/resvg-js could not be loaded.', {
      code: 'PNG_RENDERER_MISSING',
      explanation: `Its prebuilt binary for ${process.platform}-${process.arch} is missing (an optional dependency npm skipped): ${err instanceof Error ? err.message : String(err)}`,
      action: 'Run `npm ci` again without --no-optional (or `npm install @resvg/resvg-js`) on this platform.',
      cause: err,
    });
  }
  const png = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  }).render();
  return Buffer.from(png.asPng());
}

/** PNG files start with these eight bytes. */
export const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
