'use strict';
/**
 * esbuild plugins for the Lambda bundles (serverless.yml `custom.esbuild.plugins`, and
 * bench/cold-start.ts so the bench measures what is deployed).
 *
 * Bolt's entry point loads every receiver, so the `slack` bundle would carry Socket Mode (its
 * WebSocket stack and undici), Express's body parsing (iconv-lite's codepage tables) and Express
 * itself (only ExpressReceiver's constructor calls it; with it go qs, router, send and mime-db,
 * ~300 KB): about 1.3 MB that no Lambda request ever executes, since AwsLambdaReceiver reads the API Gateway event
 * itself. Those modules are replaced by empty ones; their top-level `require`s still succeed.
 */

const { exactly, sdkPackagingPlugin } = require('./sdk-packaging.cjs');
const { literalSchemaKeys, skipCredentialProviders } = require('./sdk-tree-shaking.cjs');

/** Modules unreachable from AwsLambdaReceiver; using one on Lambda would fail loudly (undefined). */
const UNREACHABLE_ON_LAMBDA = ['@slack/socket-mode', 'undici', 'iconv-lite', 'express'];

const stubUnreachable = {
  name: 'drbot-stub-unreachable',
  setup(build) {
    build.onResolve({ filter: exactly(UNREACHABLE_ON_LAMBDA) }, (args) => ({
      path: args.path,
      namespace: 'drbot-stub',
    }));
    build.onLoad({ filter: /.*/, namespace: 'drbot-stub' }, (args) => ({
      contents: `// ${args.path} is not bundled: it is unreachable on Lambda (see serverless/esbuild-plugins.cjs)\nmodule.exports = {};`,
      loader: 'js',
    }));
  },
};

/**
 * Every plugin of a Lambda build, in order. `mode` forces the SDK's packaging for every function
 * (bench/cold-start.ts builds both); without it each function gets its mode from sdk-packaging.cjs.
 */
function lambdaPlugins(mode) {
  return [literalSchemaKeys, stubUnreachable, skipCredentialProviders, sdkPackagingPlugin(mode)];
}

module.exports = lambdaPlugins();
module.exports.lambdaPlugins = lambdaPlugins;
module.exports.stubUnreachable = stubUnreachable;
module.exports.UNREACHABLE_ON_LAMBDA = UNREACHABLE_ON_LAMBDA;
