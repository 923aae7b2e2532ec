/**
 * Cold start of each Lambda handler, the AWS SDK external vs bundled, in ONE run: two esbuild
 * bundles per handler (same options as serverless.yml's `custom.esbuild`, its SDK plugin
 * serverless/sdk-packaging.cjs forced to each mode), then the module-init time of each —
 * importing the bundle in a fresh node process — repeated RUNS times, every handler × mode once per round so machine noise
 * hits all of them alike. `external` resolves @aws-sdk/* from node_modules (the CJS `main`, as
 * the nodejs22.x runtime's copy loads); `bundled` carries it, tree-shaken, ESM (`module` first).
 *
 * Prints one JSON line per handler × mode, then one per handler: the faster mode within the
 * 1.5 MiB budget, its target (slack ≤ 250 ms, the others ≤ 400 ms) and whether it is met, and
 * whether the mode serverless/sdk-packaging.cjs deploys is that choice.
 *
 *   node --import tsx bench/cold-start.ts            # every handler
 *   node --import tsx bench/cold-start.ts slack      # one
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const HANDLERS = ['slack', 'worker', 'scheduler', 'protect', 'events'] as const;
const MODES = ['external', 'bundled'] as const;
type Mode = (typeof MODES)[number];
const RUNS = 9;
const BUDGET_BYTES = 1.5 * 1024 * 1024;
const TARGET_MS: Record<string, number> = { slack: 250 };
const DEFAULT_TARGET_MS = 400;

const root = resolve(import.meta.dirname, '..');
const load = createRequire(import.meta.url);
const { lambdaPlugins } = load('../serverless/esbuild-plugins.cjs') as {
  lambdaPlugins: (mode: Mode) => Plugin[];
};
const { SDK_MODE } = load('../serverless/sdk-packaging.cjs') as { SDK_MODE: Record<string, Mode> };
/** Must match serverless.yml `custom.esbuild` so the numbers describe what is deployed. */
const BANNER =
  "import { createRequire as drbotCreateRequire } from 'node:module'; const require = drbotCreateRequire(import.meta.url);";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Imports `url` in a new node process and reports how long loading it took there. */
function initMs(url: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(url)}); console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-west-2', NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').pop());
}

interface Bundle {
  handler: string;
  mode: Mode;
  url: string;
  sizeBytes: number;
  largest: string[];
  times: number[];
}

async function bundle(handler: string, mode: Mode, dir: string): Promise<Bundle> {
  const outfile = join(dir, `${handler}-${mode}.mjs`);
  const result = await build({
    entryPoints: [join(root, `bot/lambda/${handler}.ts`)],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    banner: { js: BANNER },
    plugins: lambdaPlugins(mode),
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const key = match?.[1] ?? path.split('/').slice(0, 2).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + input.bytesInOutput);
  }
  const largest = [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([pkg, size]) => `${pkg} ${Math.round(size / 1024)}KiB`);
  return {
    handler,
    mode,
    url: pathToFileURL(outfile).href,
    sizeBytes: output?.bytes ?? 0,
    largest,
    times: [],
  };
}

const wanted = process.argv.slice(2).filter((a) => (HANDLERS as readonly string[]).includes(a));
const handlers = wanted.length > 0 ? wanted : [...HANDLERS];
// Inside the repo (git-ignored .esbuild/) so the external SDK resolves from node_modules.
mkdirSync(join(root, '.esbuild'), { recursive: true });
const dir = mkdtempSync(join(root, '.esbuild', 'cold-start-'));
try {
  const bundles: Bundle[] = [];
  for (const handler of handlers) for (const mode of MODES) bundles.push(await bundle(handler, mode, dir));
  // Interleaved rounds: each bundle once per round, the order rotating so none is always first.
  for (let round = 0; round < RUNS; round += 1) {
    for (let i = 0; i < bundles.length; i += 1) {
      const b = bundles[(i + round) % bundles.length] as Bundle;
      b.times.push(initMs(b.url));
    }
  }
  for (const b of bundles) {
    console.log(
      JSON.stringify({
        bench: 'cold-start',
        handler: b.handler,
        mode: b.mode,
        sizeBytes: b.sizeBytes,
        sizeMiB: Number((b.sizeBytes / 1024 / 1024).toFixed(2)),
        initMedianMs: Number(median(b.times).toFixed(1)),
        initMinMs: Number(Math.min(...b.times).toFixed(1)),
        runs: b.times.length,
        withinBudget: b.sizeBytes <= BUDGET_BYTES,
        largest: b.largest,
      }),
    );
  }
  for (const handler of handlers) {
    const own = bundles.filter((b) => b.handler === handler);
    const fits = own.filter((b) => b.sizeBytes <= BUDGET_BYTES);
    const best = [...(fits.length > 0 ? fits : own)].sort((a, b) => median(a.times) - median(b.times))[0];
    if (!best) continue;
    const targetMs = TARGET_MS[handler] ?? DEFAULT_TARGET_MS;
    const initMedianMs = Number(median(best.times).toFixed(1));
    console.log(
      JSON.stringify({
        bench: 'cold-start',
        handler,
        chosen: best.mode,
        deployed: SDK_MODE[handler] ?? 'external',
        deployedIsChosen: (SDK_MODE[handler] ?? 'external') === best.mode,
        initMedianMs,
        sizeBytes: best.sizeBytes,
        targetMs,
        targetMet: initMedianMs <= targetMs,
        withinBudget: best.sizeBytes <= BUDGET_BYTES,
      }),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
