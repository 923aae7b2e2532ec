/**
 * Where `ec2.launch` and `drbot blueprint` get blueprints: the stored mapping read in the run's
 * direction (forward for drill/failover, reverse for failback), the type offerings of the launch
 * region, and the stored blueprint document (`drbot blueprint --write`) whose pinned fields win.
 */
import type { Instance } from '../cloud/compute.js';
import type { RunStore } from '../ports.js';
import type { Mode, Runbook } from '../runbook/types.js';
import { type BlueprintOverride, buildBlueprints, type PlannedBlueprint } from './blueprints.js';
import { BLUEPRINT_DOC_KIND, loadRunbookMapping } from './mapping-store.js';
import type { NetworkCloud } from './ports.js';

/** The stored blueprints of a runbook in one direction (RunStore doc kind `blueprint`). */
export interface BlueprintDoc {
  version: 1;
  runbook: string;
  direction: 'forward' | 'reverse';
  region: string;
  generatedAt: number;
  blueprints: PlannedBlueprint[];
}

/** `app-tier` for drill/failover blueprints, `app-tier:failback` for the way back. */
export function blueprintDocId(runbook: string, mode: Mode): string {
  return mode === 'failback' ? `${runbook}:failback` : runbook;
}

export interface BlueprintRequest {
  runbook: Pick<Runbook, 'metadata' | 'spec'>;
  mode: Mode;
  /** The protected instances on the protected side of this mode. */
  instances: readonly Instance[];
  /** Source instance id → recovery point id. */
  points: Readonly<Record<string, string>>;
  /** The region the instances launch in (the recovery side). */
  region: string;
  /** More overrides (runbook or step), winning over stored blueprints. */
  overrides?: Record<string, BlueprintOverride>;
}

export interface BlueprintSource {
  blueprints(request: BlueprintRequest): Promise<PlannedBlueprint[]>;
}

function storedOverrides(doc: BlueprintDoc | undefined): Record<string, BlueprintOverride> {
  const out: Record<string, BlueprintOverride> = {};
  for (const b of doc?.blueprints ?? []) {
    out[b.sourceInstanceId] = {
      instanceType: b.instanceType,
      ...(b.subnetId ? { subnetId: b.subnetId } : {}),
      ...(b.privateIp ? { privateIp: b.privateIp } : {}),
      ...(b.securityGroups ? { securityGroups: b.securityGroups } : {}),
      ...(b.instanceProfile ? { instanceProfile: b.instanceProfile } : {}),
      ...(b.tags ? { tags: b.tags } : {}),
    };
  }
  return out;
}

export interface BlueprintSourceOptions {
  store: RunStore;
  /** Type offerings are checked through it; without it types are not checked. */
  network?: NetworkCloud;
  /** Ignore stored blueprint documents (`drbot blueprint` regenerating them). @default true */
  useStored?: boolean;
}

export function createBlueprintSource(options: BlueprintSourceOptions): BlueprintSource {
  return {
    async blueprints(request) {
      const name = request.runbook.metadata.name;
      const mapping = await loadRunbookMapping(options.store, name);
      const defaults = request.runbook.spec.defaults ?? {};
      const types = [
        ...new Set([
          ...request.instances.map((i) => i.type),
          ...(defaults.instanceType ? [defaults.instanceType] : []),
        ]),
      ];
      const availableTypes = options.network
        ? await options.network.offeredInstanceTypes(request.region, types)
        : undefined;
      const stored =
        options.useStored === false
          ? undefined
          : await options.store.getDoc<BlueprintDoc>(BLUEPRINT_DOC_KIND, blueprintDocId(name, request.mode));
      return buildBlueprints({
        instances: request.instances,
        mapping: mapping.empty ? undefined : mapping.forMode(request.mode),
        recoveryPoints: request.points,
        region: request.region,
        defaults,
        ...(availableTypes ? { availableTypes } : {}),
        overrides: { ...storedOverrides(stored), ...(request.overrides ?? {}) },
      });
    },
  };
}
