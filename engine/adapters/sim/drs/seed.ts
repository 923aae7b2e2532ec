/**
 * The `drs:` section of runbooks/sim/world.yaml: which instances already replicate through
 * Elastic Disaster Recovery (and in what state), the point-in-time retention and the latencies.
 * Read from the raw YAML, like the data and network seeds, because the world loader keeps only
 * the sections it knows.
 */
import { parse } from 'yaml';
import type { ReplicationState } from '../../../cloud/replication.js';
import { isDuration, parseDuration } from '../../../duration.js';
import { DrbotError } from '../../../errors.js';

export interface SeedSourceServer {
  /** The protected EC2 instance it replicates. */
  instance: string;
  /** Where DRS runs for it (the recovery region). */
  region: string;
  /** @default CONTINUOUS */
  state?: ReplicationState;
  /** Replication lag while continuous. @default 5s */
  lag?: string;
  /** Un-replicated bytes, in MiB. @default 0 */
  backlogMiB?: number;
  /** How long it has been replicating (how far back point-in-time snapshots go). @default 7d */
  since?: string;
  tags?: Record<string, string>;
}

export interface SimDrsLatencies {
  /** Initial sync time per GiB of the instance's volumes. */
  initialSyncPerGiB: number;
  /** StartRecovery → snapshot converted, before the EC2 launch (world `launch` latency) starts. */
  conversion: number;
  /** ReverseReplication → the reversed server is continuous. */
  reverse: number;
}

/** DRS's default point-in-time policy: every 10 min for an hour, hourly for a day, daily for 7 days. */
export interface SimPitPolicy {
  every: number;
  hourlyFor: number;
  dailyFor: number;
}

export interface SimDrsSeed {
  sourceServers: SeedSourceServer[];
  latencies: SimDrsLatencies;
  pointInTime: SimPitPolicy;
}

export const DEFAULT_DRS_LATENCIES: Record<keyof SimDrsLatencies, string> = {
  initialSyncPerGiB: '3s',
  conversion: '2m',
  reverse: '5m',
};

export const DEFAULT_PIT_POLICY: SimPitPolicy = {
  every: 10 * 60_000,
  hourlyFor: 24 * 3_600_000,
  dailyFor: 7 * 86_400_000,
};

export const EMPTY_DRS_SEED: SimDrsSeed = {
  sourceServers: [],
  latencies: {
    initialSyncPerGiB: parseDuration(DEFAULT_DRS_LATENCIES.initialSyncPerGiB),
    conversion: parseDuration(DEFAULT_DRS_LATENCIES.conversion),
    reverse: parseDuration(DEFAULT_DRS_LATENCIES.reverse),
  },
  pointInTime: DEFAULT_PIT_POLICY,
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const STATES: ReplicationState[] = [
  'STOPPED',
  'INITIATING',
  'INITIAL_SYNC',
  'BACKLOG',
  'CREATING_SNAPSHOT',
  'CONTINUOUS',
  'PAUSED',
  'RESCAN',
  'STALLED',
  'DISCONNECTED',
];

function seedError(problem: string): DrbotError {
  return new DrbotError(`The sim world's drs section is invalid: ${problem}`, {
    code: 'SIM_WORLD_INVALID',
    explanation: 'The simulated Elastic Disaster Recovery could not start from runbooks/sim/world.yaml.',
    action: 'Fix the drs: section (see runbooks/sim/world.yaml for a working example).',
  });
}

/** The DRS seed of a world file's text; no source servers when the section is absent. */
export function loadSimDrsSeed(worldText: string): SimDrsSeed {
  const doc = parse(worldText) as unknown;
  const drs = isObj(doc) && isObj(doc.drs) ? doc.drs : {};
  const servers = Array.isArray(drs.sourceServers) ? drs.sourceServers : [];
  servers.forEach((s, i) => {
    if (!isObj(s) || typeof s.instance !== 'string' || typeof s.region !== 'string')
      throw seedError(`sourceServers[${i}] needs instance and region`);
    if (s.state !== undefined && !STATES.includes(s.state as ReplicationState))
      throw seedError(`sourceServers[${i}].state must be one of ${STATES.join(', ')}`);
    for (const key of ['lag', 'since'])
      if (s[key] !== undefined && !(typeof s[key] === 'string' && isDuration(s[key])))
        throw seedError(`sourceServers[${i}].${key} must be a duration like 5s`);
  });
  const lat = isObj(drs.latencies) ? drs.latencies : {};
  const ms = (key: keyof SimDrsLatencies) => {
    const v = lat[key] ?? DEFAULT_DRS_LATENCIES[key];
    if (typeof v !== 'string' || !isDuration(v)) throw seedError(`latencies.${key} must be a duration`);
    return parseDuration(v);
  };
  const pit = isObj(drs.pointInTime) ? drs.pointInTime : {};
  const pitMs = (key: keyof SimPitPolicy) =>
    typeof pit[key] === 'string' && isDuration(pit[key]) ? parseDuration(pit[key]) : DEFAULT_PIT_POLICY[key];
  return {
    sourceServers: servers as SeedSourceServer[],
    latencies: {
      initialSyncPerGiB: ms('initialSyncPerGiB'),
      conversion: ms('conversion'),
      reverse: ms('reverse'),
    },
    pointInTime: { every: pitMs('every'), hourlyFor: pitMs('hourlyFor'), dailyFor: pitMs('dailyFor') },
  };
}
