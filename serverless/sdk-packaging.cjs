'use strict';
const { join } = require('node:path');
/**
 * Per function: the AWS SDK from the nodejs22.x runtime (`external`), or bundled into the
 * function (`bundled`: tree-shaken, `module` before `main` so every @smithy/* package resolves
 * to one ESM copy). serverless-esbuild has one global `exclude`/`external` for all functions, so
 * the choice is made here, by an esbuild plugin that reads the entry point of each build.
 *
 * The modes come from bench/cold-start.ts (both measured in one run, interleaved): a function
 * is `bundled` when that loads faster AND stays within the 1.5 MiB bundle budget. See the
 * cold-start rows of bench/README.md for the figures behind this table.
 */

// Every function loads faster bundled, and fits since sdk-tree-shaking.cjs lets esbuild drop the
// SDK's unused schemas (worker 2.9 → 1.27 MiB: EC2's client was 847 KiB for its 80 commands, now
// 144) and the data tier is imported statically where bundled (BUNDLED_SWAPS). `external` stays
// measured beside it by the bench, so a function whose bundle outgrows the budget can move back.
/** @type {Record<string, 'external' | 'bundled'>} */
const SDK_MODE = {
  slack: 'bundled',
  worker: 'bundled',
  protect: 'bundled',
  scheduler: 'bundled',
  events: 'bundled',
};

/** The esbuild options of one mode (the bench builds both with these). */
function sdkOptions(mode) {
  return mode === 'bundled' ? { external: [], mainFields: ['module', 'main'] } : { external: ['@aws-sdk/*'] };
}

/**
 * With the runtime's SDK, the packages a function imports only at first use (bot/lambda/worker.ts
 * `lazyDataTier`). esbuild hoists an external ESM import to the top of the bundle, which would load
 * them at cold start anyway; these are reached through a CommonJS shim instead, whose `require()`
 * runs when the lazily imported adapter first initialises. (A bundled SDK needs none of this: the
 * dynamic import already defers its code.)
 */
const DEFERRED = {
  worker: ['@aws-sdk/client-drs', '@aws-sdk/client-rds', '@aws-sdk/client-s3', '@aws-sdk/client-cloudwatch'],
};

/**
 * Modules a bundled build replaces by a sibling (`x.js` → `x.bundled.ts`): the worker's
 * dynamically imported data tier becomes static there (see data-tier-modules.bundled.ts).
 */
const BUNDLED_SWAPS = ['./data-tier-modules.js'];

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** An esbuild filter matching exactly one of `names` (module specifiers). */
const exactly = (names) => new RegExp(`^(${names.map(escapeRegExp).join('|')})$`);

/** `bot/lambda/worker.ts` → `worker`. */
function functionOf(entryPoints) {
  const entries = Array.isArray(entryPoints) ? entryPoints : Object.values(entryPoints ?? {});
  const first = entries[0];
  const path = typeof first === 'string' ? first : (first?.in ?? '');
  return path
    .split('/')
    .pop()
    .replace(/\.[^.]+$/, '');
}

/** The plugin; `mode` forces one mode for every function (the bench measures both). */
function sdkPackagingPlugin(mode) {
  return {
    name: 'drbot-sdk-packaging',
    setup(build) {
      // Changing initialOptions in setup is how an esbuild plugin sets options for its build.
      const options = build.initialOptions;
      const fn = functionOf(options.entryPoints);
      const chosen = mode ?? SDK_MODE[fn] ?? 'external';
      const sdk = sdkOptions(chosen);
      options.external = [
        ...(options.external ?? []).filter((e) => !e.startsWith('@aws-sdk/')),
        ...sdk.external,
      ];
      if (sdk.mainFields) options.mainFields = sdk.mainFields;
      if (chosen === 'bundled') {
        build.onResolve({ filter: exactly(BUNDLED_SWAPS) }, (args) => ({
          path: join(args.resolveDir, args.path.replace(/\.js$/, '.bundled.ts')),
        }));
      }
      const deferred = chosen === 'external' ? (DEFERRED[fn] ?? []) : [];
      if (deferred.length === 0) return;
      build.onResolve({ filter: exactly(deferred) }, (args) =>
        args.namespace === 'drbot-deferred'
          ? { path: args.path, external: true }
          : { path: args.path, namespace: 'drbot-deferred' },
      );
      build.onLoad({ filter: /.*/, namespace: 'drbot-deferred' }, (args) => ({
        contents: `// loaded on first use (serverless/sdk-packaging.cjs)\nmodule.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

module.exports = {
  SDK_MODE,
  DEFERRED,
  BUNDLED_SWAPS,
  sdkOptions,
  sdkPackagingPlugin,
  functionOf,
  exactly,
};
