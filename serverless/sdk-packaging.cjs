'use strict';
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

/** @type {Record<string, 'external' | 'bundled'>} */
// worker (2.3 MiB bundled) and protect (1.6 MiB) would break the budget: EC2's client alone is
// ~550 KiB bundled. Both keep the runtime's SDK.
const SDK_MODE = {
  slack: 'bundled',
  worker: 'external',
  protect: 'external',
  scheduler: 'bundled',
  events: 'bundled',
};

/** The esbuild options of one mode (the bench builds both with these). */
function sdkOptions(mode) {
  return mode === 'bundled' ? { external: [], mainFields: ['module', 'main'] } : { external: ['@aws-sdk/*'] };
}

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

const sdkPackaging = {
  name: 'drbot-sdk-packaging',
  setup(build) {
    // Changing initialOptions in setup is how an esbuild plugin sets options for its build.
    const options = build.initialOptions;
    const mode = SDK_MODE[functionOf(options.entryPoints)] ?? 'external';
    const chosen = sdkOptions(mode);
    options.external = [
      ...(options.external ?? []).filter((e) => !e.startsWith('@aws-sdk/')),
      ...chosen.external,
    ];
    if (chosen.mainFields) options.mainFields = chosen.mainFields;
  },
};

module.exports = { SDK_MODE, sdkOptions, sdkPackaging, functionOf };
