'use strict';
/**
 * Variable resolver for the run-store table's CloudFormation Properties. The single source of
 * truth is engine/adapters/dynamodb/table-definition.ts (DynamoRunStore creates the same table locally);
 * this compiles it with esbuild at package time so serverless.yml can never drift from the store.
 * serverless.yml adds the deployment-only settings (deletion protection) on top.
 */
const path = require('node:path');
const esbuild = require('esbuild');

const DEFINITION = path.resolve(__dirname, '..', 'engine/adapters/dynamodb/table-definition.ts');

/** Loads the TypeScript module as CommonJS in memory (type-only imports vanish when compiling). */
function loadDefinition() {
  const out = esbuild.buildSync({
    entryPoints: [DEFINITION],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
    external: ['@aws-sdk/*'],
  });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(module, module.exports, require);
  return module.exports;
}

/** The table Properties without TableName (CloudFormation names it from the stack). */
function tableProperties() {
  const definition = loadDefinition();
  if (typeof definition.cloudFormationTableProperties !== 'function') {
    throw new Error(
      `${DEFINITION} no longer exports cloudFormationTableProperties(); update serverless/table.cjs.`,
    );
  }
  return definition.cloudFormationTableProperties();
}

module.exports = async () => tableProperties();
module.exports.tableProperties = tableProperties;
