/**
 * The least-privilege RAM policy of the Alibaba Cloud runbooks, read from each action module's
 * own declaration (`permissions.alibaba`): the union of the RAM actions of every action a runbook
 * uses (steps, cleanup and compensations), in Alibaba's policy document format. Like the AWS IAM
 * generator (serverless/iam-grants.cjs), it keeps no list of its own.
 */
import { DEFAULT_PROVIDER } from '../cloud/providers.js';
import type { Runbook } from '../runbook/types.js';
import type { ActionSpec } from './types.js';

export interface RamPolicy {
  Version: '1';
  Statement: { Effect: 'Allow'; Action: string[]; Resource: '*' }[];
}

/** Action names a runbook's modes use, compensations included. */
export function actionsUsedBy(runbook: Pick<Runbook, 'spec'>): Set<string> {
  const used = new Set<string>();
  for (const mode of Object.values(runbook.spec.modes ?? {})) {
    for (const step of [...(mode?.steps ?? []), ...(mode?.cleanup ?? [])]) {
      used.add(step.action);
      if (step.compensate?.action) used.add(step.compensate.action);
    }
  }
  return used;
}

/** The runbooks that run on Alibaba Cloud (`spec.provider: alibaba`). */
export function alibabaRunbooks<T extends Pick<Runbook, 'spec'>>(runbooks: readonly T[]): T[] {
  return runbooks.filter((r) => (r.spec.provider ?? DEFAULT_PROVIDER) === 'alibaba');
}

/** RAM action → the drbot actions that need it, for the runbooks given. */
export function ramActions(
  runbooks: readonly Pick<Runbook, 'spec'>[],
  modules: readonly ActionSpec[],
): Map<string, string[]> {
  const byName = new Map(modules.map((m) => [m.name, m]));
  const out = new Map<string, Set<string>>();
  for (const runbook of runbooks) {
    for (const name of actionsUsedBy(runbook)) {
      for (const ram of byName.get(name)?.permissions?.alibaba ?? []) {
        out.set(ram, (out.get(ram) ?? new Set()).add(name));
      }
    }
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)).map(([ram, by]) => [ram, [...by].sort()]));
}

/**
 * One Allow statement with every RAM action the runbooks need. Resource is `*`: ECS, Cloud
 * Assistant and Alidns actions are scoped by drbot's own run-id tag checks at run time.
 */
export function ramPolicy(
  runbooks: readonly Pick<Runbook, 'spec'>[],
  modules: readonly ActionSpec[],
): RamPolicy {
  return {
    Version: '1',
    Statement: [{ Effect: 'Allow', Action: [...ramActions(runbooks, modules).keys()], Resource: '*' }],
  };
}
