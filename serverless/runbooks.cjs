'use strict';
/**
 * Package-time view of the runbooks: reads every runbooks/*.yaml (the directory the bot loads) so
 * serverless.yml can derive schedules and IAM scopes from them. It reads only the fields it needs
 * and fails packaging with the file name when one is missing; full validation is the runbook
 * loader's job (`drbot lint`, and test/deploy checks both agree).
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

/** Where runbooks live, relative to the service directory. Override with DRBOT_RUNBOOK_DIR. */
function runbooksDir(serviceDir) {
  return path.resolve(serviceDir, process.env.DRBOT_RUNBOOK_DIR || 'runbooks');
}

function fail(file, message) {
  throw new Error(`${file}: ${message} Fix the runbook (run \`drbot lint\`) and package again.`);
}

/**
 * @param {string} serviceDir the directory holding serverless.yml
 * @returns {{ file: string, name: string, spec: any }[]} runbooks sorted by name
 */
function loadRunbooks(serviceDir = path.resolve(__dirname, '..')) {
  const dir = runbooksDir(serviceDir);
  if (!fs.existsSync(dir)) throw new Error(`No runbooks directory at ${dir}: set DRBOT_RUNBOOK_DIR.`);
  const files = fs
    .readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  const runbooks = [];
  for (const name of files) {
    const file = path.join(dir, name);
    const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
    if (doc?.kind !== 'Runbook') continue;
    const runbookName = doc.metadata?.name;
    if (typeof runbookName !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(runbookName)) {
      fail(file, 'metadata.name must be lower-case letters, digits and dashes.');
    }
    if (!doc.spec?.source || !doc.spec.target) fail(file, 'spec.source and spec.target are required.');
    runbooks.push({ file, name: runbookName, spec: doc.spec });
  }
  return runbooks.sort((a, b) => a.name.localeCompare(b.name));
}

/** Every region a runbook touches (source and target), deduplicated and sorted. */
function regionsOf(runbooks) {
  const regions = new Set();
  for (const { spec } of runbooks) {
    regions.add(spec.source.region);
    regions.add(spec.target.region);
  }
  return [...regions].filter((r) => typeof r === 'string').sort();
}

module.exports = { loadRunbooks, regionsOf, runbooksDir };
