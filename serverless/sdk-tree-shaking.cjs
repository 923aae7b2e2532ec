'use strict';
/**
 * Two esbuild plugins that let a bundled AWS SDK shrink to what a function uses (bench/cold-start.ts
 * measures the effect; the worker went from 2.9 MiB, over the 1.5 MiB budget, to within it).
 *
 * 1. `literalSchemaKeys`. Each client's `dist-es/schemas/schemas_0.js` declares every shape of the
 *    service as an array literal, with trait objects keyed by module constants:
 *    `{ [_xN]: "Min" }` where `const _xN = "xmlName"`. esbuild cannot prove a computed key free of
 *    side effects (it may call toString), so it keeps every such shape, used or not: one EC2
 *    command links 550 KiB of EC2 schemas. Rewriting those keys to the constants' own string
 *    literals (`{ "xmlName": "Min" }`) is the same object, and esbuild then drops the unused
 *    shapes (EC2 for the worker's 80 commands: 847 → 144 KiB).
 * 2. `skipCredentialProviders`. On Lambda the SDK's default credential chain finds the execution
 *    role's credentials in the environment (or the container endpoint, SnapStart), so its SSO,
 *    ini-file, process and web-identity links (with the SSO, STS and sign-in clients they load,
 *    ~120 KiB) never run. They are replaced by links that pass to the next one, as a provider with
 *    nothing configured does (`tryNextLink`), so the chain still reaches the environment and the
 *    container endpoint.
 */

const { readFile } = require('node:fs/promises');
const { exactly } = require('./sdk-packaging.cjs');

const SCHEMA_FILE = /[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/** `schemas_0.js` with each `[_const]:` key replaced by the constant's string literal. */
function withLiteralKeys(source) {
  const strings = new Map();
  for (const m of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm)) strings.set(m[1], m[2]);
  return source.replace(/\[(_\w+)\]:/g, (key, name) => (strings.has(name) ? `${strings.get(name)}:` : key));
}

const literalSchemaKeys = {
  name: 'drbot-literal-schema-keys',
  setup(build) {
    build.onLoad({ filter: SCHEMA_FILE }, async (args) => ({
      contents: withLiteralKeys(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

/** The default chain's links that a Lambda function never reaches, and what each exports. */
const UNUSED_ON_LAMBDA = {
  '@aws-sdk/credential-provider-sso': ['fromSSO'],
  '@aws-sdk/credential-provider-ini': ['fromIni'],
  '@aws-sdk/credential-provider-process': ['fromProcess'],
  '@aws-sdk/credential-provider-web-identity': ['fromTokenFile', 'fromWebToken'],
};

function skippedLink(pkg, names) {
  const exports = names
    .map((name) => `  ${name}: () => async () => skip(${JSON.stringify(name)}),`)
    .join('\n');
  return `// ${pkg} is not bundled: see serverless/sdk-tree-shaking.cjs
function skip(name) {
  throw Object.assign(
    new Error(name + ' is not bundled in this function: on Lambda, credentials come from the environment or the container endpoint'),
    { name: 'CredentialsProviderError', tryNextLink: true },
  );
}
module.exports = {
${exports}
};
`;
}

const skipCredentialProviders = {
  name: 'drbot-skip-credential-providers',
  setup(build) {
    build.onResolve({ filter: exactly(Object.keys(UNUSED_ON_LAMBDA)) }, (args) => {
      // only where the SDK is bundled: an external SDK is the runtime's, untouched
      const external = (build.initialOptions.external ?? []).some((e) => e === '@aws-sdk/*');
      return external ? undefined : { path: args.path, namespace: 'drbot-skipped-credentials' };
    });
    build.onLoad({ filter: /.*/, namespace: 'drbot-skipped-credentials' }, (args) => ({
      contents: skippedLink(args.path, UNUSED_ON_LAMBDA[args.path]),
      loader: 'js',
    }));
  },
};

module.exports = {
  literalSchemaKeys,
  skipCredentialProviders,
  withLiteralKeys,
  UNUSED_ON_LAMBDA,
  skippedLink,
};
