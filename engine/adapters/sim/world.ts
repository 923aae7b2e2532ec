/**
 * The simulated world: regions, the protected fleet, existing recovery points, latencies and
 * injected faults. Authored in `runbooks/sim/world.yaml` (see `loadWorld`) or built by
 * `generateWorld` for benches. Durations are strings (`30s`, `2m`) in SIM CLOCK time.
 */

/** How long simulated operations take, before `latencyScale` is applied. */
export interface WorldLatencies {
  /** RunInstances → running. @default 20s */
  launch: string;
  /** running → both status checks passed. @default 40s */
  statusChecks: string;
  /** running → stopped. @default 15s */
  stop: string;
  /** stopped → running. @default 20s */
  start: string;
  /** shutting-down → terminated. @default 10s */
  terminate: string;
  /** Fixed part of a capture + cross-region copy. @default 30s */
  snapshot: string;
  /** Extra copy time per GiB of volume, so copies grow with size. @default 2s */
  copyPerGiB: string;
  /** SSM command send → invocation done. @default 5s */
  ssm: string;
  /** Route 53 change PENDING → INSYNC. @default 30s */
  dns: string;
}

/** Faults injected into the sim; counts are budgets used up across the sim's life. */
export interface WorldFaults {
  /** Probability in [0, 1] that any API call is throttled (RetryAfterError). @default 0 */
  throttleRate?: number;
  /** Instance type → how many launches of it fail with InsufficientInstanceCapacity. */
  capacityErrors?: Record<string, number>;
  /** How many launch requests fail outright (retryable). */
  launchFailures?: number;
  /** How many SSM invocations fail with exit code 1. */
  ssmFailures?: number;
  /** How many SSM invocations time out. */
  ssmTimeouts?: number;
  /** Regions whose every call fails (an outage). */
  regionOutage?: string[];
}

export interface WorldSubnet {
  id: string;
  zone: string;
  cidr: string;
}

/** A named network profile (`production`, `drill`): where `drbot:network`-tagged launches land. */
export interface WorldNetwork {
  subnet: string;
  securityGroups: string[];
}

export interface WorldRegion {
  subnets: WorldSubnet[];
  securityGroups: { id: string; name: string }[];
  instanceProfiles?: string[];
  /** Instance types this region lacks: launches fall back to the blueprint's default type. */
  unavailableTypes?: string[];
  /** Network profiles; `default` (or the first) is used when a launch names none. */
  networks?: Record<string, WorldNetwork>;
}

export interface WorldVolume {
  device: string;
  sizeGiB: number;
  type: string;
}

export interface WorldInstance {
  id: string;
  region: string;
  type: string;
  subnet: string;
  privateIp: string;
  securityGroups: string[];
  instanceProfile?: string;
  volumes: WorldVolume[];
  tags: Record<string, string>;
  /** @default running */
  state?: 'running' | 'stopped';
  /** Protected data directories, where the agent writes RPO markers. @default the agent's (/data) */
  dataDirs?: string[];
}

/** Recovery points that exist when the world starts, aged relative to the sim's start. */
export interface WorldRecoveryPoints {
  region: string;
  /** One point per age per instance, e.g. [20m, 1h20m, 2h20m]. */
  ages: string[];
  /** @default snapshot */
  kind?: 'snapshot' | 'ami';
  /** Source instances; @default every instance outside `region` */
  instances?: string[];
}

/** A protection job the world runs by itself (as EventBridge would): points appear every `every`. */
export interface WorldProtection {
  every: string;
  retention: number;
}

export interface World {
  apiVersion: 'drbot/v1';
  kind: 'SimWorld';
  metadata: { name: string; description?: string };
  latencies: WorldLatencies;
  faults: WorldFaults;
  regions: Record<string, WorldRegion>;
  instances: WorldInstance[];
  recoveryPoints: WorldRecoveryPoints[];
  protection?: WorldProtection;
  /** Hosted zone id → record name → current value. */
  dns?: Record<string, Record<string, string>>;
}

export const DEFAULT_LATENCIES: WorldLatencies = {
  launch: '20s',
  statusChecks: '40s',
  stop: '15s',
  start: '20s',
  terminate: '10s',
  snapshot: '30s',
  copyPerGiB: '2s',
  ssm: '5s',
  dns: '30s',
};
