'use strict';
/**
 * Which IAM actions the runbooks need, read from each action module's own declaration
 * (`permissions.aws` in engine/actions/<family>/<action>.ts): the union, per policy statement,
 * of the grants of every action a runbook uses (steps, cleanup and compensations). The
 * statements' scoping (resources, tag conditions) is in iam-statements.cjs.
 */
const path = require('node:path');

/** The action catalogue, loaded from TypeScript at package time through tsx. */
function actionModules() {
  const tsx = require('tsx/cjs/api');
  return tsx.require(path.join(__dirname, '../engine/actions/catalogue.ts'), __filename).ACTION_MODULES;
}

/** Action names a runbook's modes use, compensations included. */
function actionsUsedBy(spec) {
  const used = new Set();
  for (const mode of Object.values(spec.modes || {})) {
    for (const step of [...(mode?.steps || []), ...(mode?.cleanup || [])]) {
      if (typeof step?.action === 'string') used.add(step.action);
      if (typeof step?.compensate?.action === 'string') used.add(step.compensate.action);
    }
  }
  return used;
}

/**
 * @param runbooks `{ name, spec }[]` from runbooks.cjs
 * @param modules the action modules (default: the catalogue)
 * @param only restrict to these action names, granted for every runbook (the protect function)
 * @returns Map statement name → { actions: string[], runbooks }
 */
function grantsFor(runbooks, modules = actionModules(), only) {
  const byName = new Map(modules.map((m) => [m.name, m]));
  const grants = new Map();
  for (const runbook of runbooks) {
    const used = only ? new Set(only) : actionsUsedBy(runbook.spec);
    for (const name of used) {
      for (const grant of byName.get(name)?.permissions?.aws || []) {
        const entry = grants.get(grant.statement) || {
          actions: new Set(),
          runbooks: new Set(),
          by: new Set(),
        };
        for (const action of grant.actions) entry.actions.add(action);
        entry.runbooks.add(runbook);
        entry.by.add(name);
        grants.set(grant.statement, entry);
      }
    }
  }
  return new Map(
    [...grants].map(([statement, g]) => [
      statement,
      { actions: [...g.actions].sort(), runbooks: [...g.runbooks], by: [...g.by].sort() },
    ]),
  );
}

module.exports = { actionModules, actionsUsedBy, grantsFor };
