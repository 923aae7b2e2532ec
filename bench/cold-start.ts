/**
 * Cold start of each Lambda handler: the esbuild bundle size (same options as serverless.yml's
 * `custom.esbuild`) and the module-init time — importing the bundle in a fresh node process,
 * median of 10. Prints JSON lines; targets are ≤ 1.5 MB and ≤ 300 ms per handler.
 *
 *   node --import tsx bench/cold-start.ts            # all four handlers
 *   node --import tsx bench/cold-start.ts slack      # one
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const HANDLERS = ['slack', 'worker', 'scheduler', 'protect'] as const;
const RUNS = 10;
const TARGET_BYTES = 1.5 * 1024 * 1024;
const TARGET_INIT_MS = 300;

const root = resolve(import.meta.dirname, '..');
const plugins = createRequire(import.meta.url)('../serverless/esbuild-plugins.cjs') as Plugin[];
/** The AWS SDK comes from the Lambda runtime (serverless.yml `exclude`); here from node_modules. */
const EXTERNAL = ['@aws-sdk/*'];
/** Must match serverless.yml `custom.esbuild` so the numbers describe what is deployed. */
const BANNER =
  "import { createRequire as drbotCreateRequire } from 'node:module'; const require = drbotCreateRequire(import.meta.url);";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Imports `specifiers` in a new node process and reports how long loading them took there. */
function initMs(specifiers: string[]): number {
  const imports = specifiers.map((s) => `import(${JSON.stringify(s)})`).join(', ');
  const script = `const t = performance.now(); await Promise.all([${imports}]); console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-west-2', NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  return Number(out.trim().split('\n').pop());
}

async function measure(name: string, dir: string): Promise<Record<string, unknown>> {
  const outfile = join(dir, `${name}.mjs`);
  const result = await build({
    entryPoints: [join(root, `bot/lambda/${name}.ts`)],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    banner: { js: BANNER },
    external: EXTERNAL,
    plugins,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  const bytes = output?.bytes ?? 0;
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
  const bundleUrl = pathToFileURL(outfile).href;
  const times = Array.from({ length: RUNS }, () => initMs([bundleUrl]));
  const init = median(times);
  // The SDK packages the bundle imports (from the Lambda runtime in AWS): their share of the init.
  const sdk = [
    ...new Set(
      (output?.imports ?? []).filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path),
    ),
  ];
  const sdkInit = sdk.length > 0 ? median(Array.from({ length: RUNS }, () => initMs(sdk))) : 0;
  return {
    bench: 'cold-start',
    handler: name,
    // The externals' load time is in initMs (they are imported from node_modules, as from the runtime).
    external: EXTERNAL,
    bundleBytes: bytes,
    bundleMiB: Number((bytes / 1024 / 1024).toFixed(2)),
    initMsMedian: Number(init.toFixed(1)),
    initMsMin: Number(Math.min(...times).toFixed(1)),
    sdkPackages: sdk,
    sdkInitMsMedian: Number(sdkInit.toFixed(1)),
    /** What the bundle's own code costs once the runtime's SDK is loaded. */
    initMsWithoutSdk: Number(Math.max(0, init - sdkInit).toFixed(1)),
    runs: RUNS,
    withinSize: bytes <= TARGET_BYTES,
    withinInit: init <= TARGET_INIT_MS,
    largest,
  };
}

const wanted = process.argv.slice(2).filter((a) => (HANDLERS as readonly string[]).includes(a));
// Inside the repo (git-ignored .esbuild/) so the external SDK resolves from node_modules.
mkdirSync(join(root, '.esbuild'), { recursive: true });
const dir = mkdtempSync(join(root, '.esbuild', 'cold-start-'));
try {
  for (const name of wanted.length > 0 ? wanted : HANDLERS)
    console.log(JSON.stringify(await measure(name, dir)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
