/**
 * The `data:` section of runbooks/sim/world.yaml: databases, Aurora global clusters, existing
 * snapshot copies, buckets with their replication, and the data-tier latencies. Read from the raw
 * YAML, like the network seed, because the world loader keeps only the sections it knows.
 */
import { parse } from 'yaml';
import { parseDuration } from '../../../duration.js';
import { SimDataSeedError } from './errors.js';

export interface SeedDatabase {
  id: string;
  kind?: 'instance' | 'cluster';
  region: string;
  engine: string;
  instanceClass: string;
  storageGiB?: number;
  encrypted?: boolean;
  optionGroup?: string;
  parameterGroup?: string;
  subnetGroup?: string;
  securityGroups?: string[];
  tags?: Record<string, string>;
  /** A cross-region read replica of this database id. */
  replicaOf?: string;
  /** Replication lag of a replica or global secondary. */
  lag?: string;
}

export interface SeedGlobalCluster {
  id: string;
  /** Cluster ids (of `databases`), the first is the writer. */
  members: string[];
  lag?: string;
}

export interface SeedBucket {
  name: string;
  region: string;
  versioning?: boolean;
  replication?: { id?: string; destination: string; enabled?: boolean; metrics?: boolean; lag?: string }[];
}

export interface SimDataLatencies {
  dbSnapshot: number;
  dbCopyPerGiB: number;
  dbRestore: number;
  dbDelete: number;
  dbPromote: number;
  globalSwitch: number;
}

export interface SimDataSeed {
  databases: SeedDatabase[];
  globalClusters: SeedGlobalCluster[];
  /** Existing snapshot copies: `{ db, region, ages: [30m, 1h30m] }`. */
  snapshots: { db: string; region: string; ages: string[] }[];
  buckets: SeedBucket[];
  /** Region → instance classes it does not offer (restores fall back). */
  unofferedClasses: Record<string, string[]>;
  latencies: SimDataLatencies;
}

export const DEFAULT_DATA_LATENCIES: Record<keyof SimDataLatencies, string> = {
  dbSnapshot: '2m',
  dbCopyPerGiB: '1s',
  dbRestore: '8m',
  dbDelete: '3m',
  dbPromote: '4m',
  globalSwitch: '2m',
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The data seed of a world file's text; an empty world when the section is absent. */
export function loadSimDataSeed(worldText: string): SimDataSeed {
  const doc = parse(worldText) as unknown;
  const data = isObj(doc) && isObj(doc.data) ? doc.data : {};
  const list = <T>(key: string): T[] => {
    const value = data[key];
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every(isObj))
      throw new SimDataSeedError(`data.${key} must be a list`);
    return value as T[];
  };
  const databases = list<SeedDatabase>('databases');
  const ids = new Set<string>();
  for (const db of databases) {
    if (typeof db.id !== 'string' || typeof db.region !== 'string' || typeof db.engine !== 'string')
      throw new SimDataSeedError('every data.databases entry needs id, region and engine');
    if (ids.has(db.id)) throw new SimDataSeedError(`data.databases: ${db.id} is listed twice`);
    ids.add(db.id);
  }
  for (const db of databases)
    if (db.replicaOf && !ids.has(db.replicaOf))
      throw new SimDataSeedError(`data.databases: ${db.id} replicates unknown database ${db.replicaOf}`);
  const globalClusters = list<SeedGlobalCluster>('globalClusters');
  for (const g of globalClusters)
    for (const m of g.members ?? [])
      if (!ids.has(m)) throw new SimDataSeedError(`data.globalClusters: ${g.id} names unknown cluster ${m}`);
  const given = isObj(data.latencies) ? data.latencies : {};
  const latencies = Object.fromEntries(
    Object.entries(DEFAULT_DATA_LATENCIES).map(([k, v]) => [k, parseDuration(String(given[k] ?? v))]),
  ) as unknown as SimDataLatencies;
  return {
    databases,
    globalClusters,
    snapshots: list('snapshots'),
    buckets: list('buckets'),
    unofferedClasses: isObj(data.unofferedClasses) ? (data.unofferedClasses as Record<string, string[]>) : {},
    latencies,
  };
}
