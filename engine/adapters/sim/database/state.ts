/** The simulated data tier's state: plain JSON, saved beside the SimCloud state. */
import type { DbKind } from '../../../cloud/database.js';
import { DB_TAG } from '../../../cloud/database.js';
import { parseDuration } from '../../../duration.js';
import type { SimDataSeed } from './seed.js';

export interface SimDb {
  id: string;
  kind: DbKind;
  region: string;
  engine: string;
  status: string;
  instanceClass: string;
  storageGiB: number;
  encrypted: boolean;
  kmsKeyId?: string;
  optionGroup?: string;
  parameterGroup?: string;
  subnetGroup?: string;
  securityGroupIds?: string[];
  tags: Record<string, string>;
  replicaSourceId?: string;
  lagMs?: number;
  /** The next status and when it applies (creating → available, deleting → gone …). */
  transition?: { to: string; at: number };
}

export interface SimDbSnapshot {
  id: string;
  kind: DbKind;
  region: string;
  sourceDbId: string;
  capturedAt: number;
  availableAt: number;
  encrypted: boolean;
  kmsKeyId?: string;
  tags: Record<string, string>;
}

export interface SimGlobal {
  id: string;
  members: string[];
  writer: string;
  lagMs: number;
  tags: Record<string, string>;
  /** A writer move in flight. */
  moving?: { to: string; at: number };
}

export interface SimDataCounters {
  /** Databases created by restores (a re-sent restore of the same run and step creates none). */
  restores: number;
  restoreCalls: number;
  deletes: number;
  promotions: number;
  snapshotCopies: number;
}

export interface SimDataState {
  version: 1;
  databases: Record<string, SimDb>;
  snapshots: Record<string, SimDbSnapshot>;
  globals: Record<string, SimGlobal>;
  parameters: Record<string, { value: string; tags: Record<string, string> }>;
  counters: SimDataCounters;
}

/** `region|id`: identifiers are unique per region, as in RDS. */
export const key = (region: string, id: string) => `${region}|${id}`;

const PORTS: Record<string, number> = {
  postgres: 5432,
  'aurora-postgresql': 5432,
  mysql: 3306,
  'aurora-mysql': 3306,
};
export const portOf = (engine: string) => PORTS[engine] ?? 5432;
export const endpointOf = (db: SimDb) =>
  db.kind === 'cluster'
    ? `${db.id}.cluster-sim.${db.region}.rds.amazonaws.com`
    : `${db.id}.sim.${db.region}.rds.amazonaws.com`;

export function initialDataState(seed: SimDataSeed, now: number): SimDataState {
  const state: SimDataState = {
    version: 1,
    databases: {},
    snapshots: {},
    globals: {},
    parameters: {},
    counters: { restores: 0, restoreCalls: 0, deletes: 0, promotions: 0, snapshotCopies: 0 },
  };
  const regionOf = new Map(seed.databases.map((d) => [d.id, d.region]));
  for (const d of seed.databases) {
    state.databases[key(d.region, d.id)] = {
      id: d.id,
      kind: d.kind ?? 'instance',
      region: d.region,
      engine: d.engine,
      status: 'available',
      instanceClass: d.instanceClass,
      storageGiB: d.storageGiB ?? 100,
      encrypted: d.encrypted ?? false,
      ...(d.encrypted ? { kmsKeyId: `arn:aws:kms:${d.region}:000000000000:key/sim-${d.id}` } : {}),
      ...(d.optionGroup ? { optionGroup: d.optionGroup } : {}),
      ...(d.parameterGroup ? { parameterGroup: d.parameterGroup } : {}),
      ...(d.subnetGroup ? { subnetGroup: d.subnetGroup } : {}),
      ...(d.securityGroups ? { securityGroupIds: d.securityGroups } : {}),
      tags: d.tags ?? {},
      ...(d.replicaOf ? { replicaSourceId: `${regionOf.get(d.replicaOf)}:${d.replicaOf}` } : {}),
      ...(d.lag ? { lagMs: lagMs(d.lag) } : {}),
    };
  }
  for (const s of seed.snapshots) {
    const db = seed.databases.find((d) => d.id === s.db);
    if (!db) continue;
    for (const age of s.ages) {
      const capturedAt = now - lagMs(age);
      const id = `rds:${s.db}-seed-${capturedAt}`;
      state.snapshots[key(s.region, id)] = {
        id,
        kind: db.kind ?? 'instance',
        region: s.region,
        sourceDbId: s.db,
        capturedAt,
        availableAt: capturedAt,
        encrypted: db.encrypted ?? false,
        tags: { [DB_TAG.sourceDb]: s.db, [DB_TAG.managed]: 'true' },
      };
    }
  }
  for (const g of seed.globalClusters) {
    state.globals[g.id] = {
      id: g.id,
      members: g.members,
      writer: g.members[0] ?? '',
      lagMs: g.lag ? lagMs(g.lag) : 1_000,
      tags: {},
    };
  }
  return state;
}

function lagMs(text: string): number {
  return parseDuration(text);
}
