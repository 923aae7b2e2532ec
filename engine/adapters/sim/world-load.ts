/**
 * Loads and validates `runbooks/sim/world.yaml`. Every problem is collected and reported at once
 * with its path (`instances[2].subnet`), so a broken world is fixed in one edit, not five.
 */
import { parseDocument } from 'yaml';
import { isDuration } from '../../duration.js';
import { DrbotError } from '../../errors.js';
import {
  DEFAULT_LATENCIES,
  type World,
  type WorldFaults,
  type WorldInstance,
  type WorldLatencies,
  type WorldRecoveryPoints,
  type WorldRegion,
} from './world.js';

/** The world file is malformed; `problems` lists every path and what is wrong with it. */
export class SimWorldError extends DrbotError {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(`The simulated world ${file} is invalid: ${problems.slice(0, 5).join('; ')}`, {
      code: 'SIM_WORLD_INVALID',
      explanation: `The sim could not start because its world definition has ${problems.length} problem(s).`,
      action: `Fix ${file} (see runbooks/sim/world.yaml for a working example) and start again.`,
      context: { file },
    });
    this.problems = problems;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);
const isStrMap = (v: unknown): v is Record<string, string> =>
  isObj(v) && Object.values(v).every((x) => typeof x === 'string');

/** Parses YAML text into a validated World; throws SimWorldError listing every problem. */
export function loadWorld(text: string, file = '<inline world>'): World {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new SimWorldError(
      file,
      doc.errors.map((e) => `YAML syntax at line ${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0]}`),
    );
  }
  return validateWorld(doc.toJS(), file);
}

/** Checks an already-parsed value (from YAML or a generator) and fills defaults. */
export function validateWorld(raw: unknown, file = '<inline world>'): World {
  const problems: string[] = [];
  const need = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  if (!isObj(raw)) throw new SimWorldError(file, ['the document must be a mapping']);
  need(raw.apiVersion === 'drbot/v1', 'apiVersion must be drbot/v1');
  need(raw.kind === 'SimWorld', 'kind must be SimWorld');
  const metadata = isObj(raw.metadata) ? raw.metadata : {};
  need(isStr(metadata.name), 'metadata.name must be a non-empty string');

  const latencies = { ...DEFAULT_LATENCIES, ...(isObj(raw.latencies) ? raw.latencies : {}) } as Obj;
  for (const [key, value] of Object.entries(latencies)) {
    need(key in DEFAULT_LATENCIES, `latencies.${key} is not a known latency`);
    need(typeof value === 'string' && isDuration(value), `latencies.${key} must be a duration like 30s`);
  }
  const faults = raw.faults ?? {};
  checkFaults(faults, need);

  const regions = isObj(raw.regions) ? raw.regions : {};
  need(Object.keys(regions).length >= 2, 'regions must define at least two regions (source and target)');
  for (const [name, region] of Object.entries(regions)) checkRegion(name, region, need);
  const typedRegions = regions as Record<string, WorldRegion>;

  const instances = Array.isArray(raw.instances) ? raw.instances : [];
  need(Array.isArray(raw.instances), 'instances must be a list');
  const ids = new Set<string>();
  instances.forEach((inst, i) => {
    checkInstance(`instances[${i}]`, inst, typedRegions, need);
    if (isObj(inst) && isStr(inst.id)) {
      need(!ids.has(inst.id), `instances[${i}].id ${inst.id} is a duplicate`);
      ids.add(inst.id);
    }
  });

  const points = raw.recoveryPoints ?? [];
  need(Array.isArray(points), 'recoveryPoints must be a list');
  (Array.isArray(points) ? points : []).forEach((p, i) => {
    const at = `recoveryPoints[${i}]`;
    if (!isObj(p)) {
      need(false, `${at} must be a mapping`);
      return;
    }
    need(isStr(p.region) && p.region in regions, `${at}.region must name a region of the world`);
    need(isStrList(p.ages) && p.ages.every(isDuration), `${at}.ages must be a list of durations`);
    need(
      p.kind === undefined || p.kind === 'snapshot' || p.kind === 'ami',
      `${at}.kind must be snapshot|ami`,
    );
    if (p.instances !== undefined) {
      need(isStrList(p.instances), `${at}.instances must be a list of instance ids`);
      for (const id of isStrList(p.instances) ? p.instances : [])
        need(ids.has(id), `${at}.instances names ${id}, which is not an instance of the world`);
    }
  });

  if (raw.protection !== undefined) {
    const p = raw.protection;
    need(
      isObj(p) &&
        isStr(p.every) &&
        isDuration(p.every) &&
        Number.isInteger(p.retention) &&
        Number(p.retention) >= 1,
      'protection must be { every: <duration>, retention: <integer ≥ 1> }',
    );
  }
  if (raw.dns !== undefined) {
    need(
      isObj(raw.dns) && Object.values(raw.dns).every(isStrMap),
      'dns must map zone ids to { record: value }',
    );
  }
  if (problems.length > 0) throw new SimWorldError(file, problems);
  return {
    apiVersion: 'drbot/v1',
    kind: 'SimWorld',
    metadata: metadata as World['metadata'],
    latencies: latencies as unknown as WorldLatencies,
    faults: faults as WorldFaults,
    regions: typedRegions,
    instances: instances as WorldInstance[],
    recoveryPoints: points as WorldRecoveryPoints[],
    protection: raw.protection as World['protection'],
    dns: raw.dns as World['dns'],
  };
}

type Need = (ok: boolean, message: string) => void;

function checkFaults(faults: unknown, need: Need): void {
  if (!isObj(faults)) {
    need(false, 'faults must be a mapping (use {} for none)');
    return;
  }
  const known = [
    'throttleRate',
    'capacityErrors',
    'launchFailures',
    'ssmFailures',
    'ssmTimeouts',
    'regionOutage',
  ];
  for (const key of Object.keys(faults)) need(known.includes(key), `faults.${key} is not a known fault`);
  const rate = faults.throttleRate;
  need(
    rate === undefined || (typeof rate === 'number' && rate >= 0 && rate <= 1),
    'faults.throttleRate must be in [0, 1]',
  );
  for (const key of ['launchFailures', 'ssmFailures', 'ssmTimeouts']) {
    const v = faults[key];
    need(v === undefined || (Number.isInteger(v) && Number(v) >= 0), `faults.${key} must be an integer ≥ 0`);
  }
  const cap = faults.capacityErrors;
  need(
    cap === undefined ||
      (isObj(cap) && Object.values(cap).every((v) => Number.isInteger(v) && Number(v) >= 0)),
    'faults.capacityErrors must map instance types to counts',
  );
  need(
    faults.regionOutage === undefined || isStrList(faults.regionOutage),
    'faults.regionOutage must list regions',
  );
}

function checkRegion(name: string, region: unknown, need: Need): void {
  const at = `regions.${name}`;
  if (!isObj(region)) {
    need(false, `${at} must be a mapping`);
    return;
  }
  const subnets = Array.isArray(region.subnets) ? region.subnets : [];
  need(subnets.length > 0, `${at}.subnets must list at least one subnet`);
  subnets.forEach((s, i) => {
    need(
      isObj(s) && isStr(s.id) && isStr(s.zone) && isStr(s.cidr),
      `${at}.subnets[${i}] needs id, zone, cidr`,
    );
  });
  const groups = Array.isArray(region.securityGroups) ? region.securityGroups : [];
  groups.forEach((g, i) => {
    need(isObj(g) && isStr(g.id) && isStr(g.name), `${at}.securityGroups[${i}] needs id, name`);
  });
  need(
    region.unavailableTypes === undefined || isStrList(region.unavailableTypes),
    `${at}.unavailableTypes must list types`,
  );
  need(
    region.instanceProfiles === undefined || isStrList(region.instanceProfiles),
    `${at}.instanceProfiles must list names`,
  );
  const subnetIds = new Set(subnets.filter(isObj).map((s) => s.id));
  const groupIds = new Set(groups.filter(isObj).map((g) => g.id));
  if (region.networks !== undefined) {
    if (!isObj(region.networks)) {
      need(false, `${at}.networks must be a mapping`);
      return;
    }
    for (const [profile, net] of Object.entries(region.networks)) {
      const ok = isObj(net) && subnetIds.has(net.subnet) && isStrList(net.securityGroups);
      need(ok, `${at}.networks.${profile} needs a subnet of the region and securityGroups`);
      if (ok)
        for (const g of net.securityGroups as string[])
          need(groupIds.has(g), `${at}.networks.${profile}: unknown security group ${g}`);
    }
  }
}

function checkInstance(at: string, inst: unknown, regions: Record<string, WorldRegion>, need: Need): void {
  if (!isObj(inst)) {
    need(false, `${at} must be a mapping`);
    return;
  }
  need(isStr(inst.id) && /^i-[0-9a-z]+$/.test(inst.id), `${at}.id must look like i-0abc123`);
  need(isStr(inst.type), `${at}.type must be an instance type such as m5.large`);
  need(isStr(inst.privateIp), `${at}.privateIp must be an IP address`);
  need(isStrMap(inst.tags), `${at}.tags must map tag keys to string values`);
  need(
    inst.state === undefined || inst.state === 'running' || inst.state === 'stopped',
    `${at}.state must be running|stopped`,
  );
  const region = isStr(inst.region) ? regions[inst.region] : undefined;
  if (!region) {
    need(false, `${at}.region must name a region of the world`);
    return;
  }
  need(
    region.subnets?.some((s) => s.id === inst.subnet) ?? false,
    `${at}.subnet ${String(inst.subnet)} is not a subnet of ${String(inst.region)}`,
  );
  need(isStrList(inst.securityGroups), `${at}.securityGroups must list security group ids`);
  for (const g of isStrList(inst.securityGroups) ? inst.securityGroups : [])
    need(
      region.securityGroups?.some((s) => s.id === g) ?? false,
      `${at}: unknown security group ${g} in ${String(inst.region)}`,
    );
  need(
    inst.dataDirs === undefined ||
      (isStrList(inst.dataDirs) && inst.dataDirs.every((d) => d.startsWith('/'))),
    `${at}.dataDirs must list absolute directories`,
  );
  const volumes = Array.isArray(inst.volumes) ? inst.volumes : [];
  need(volumes.length > 0, `${at}.volumes must list at least one volume`);
  volumes.forEach((v, i) => {
    need(
      isObj(v) && isStr(v.device) && isStr(v.type) && typeof v.sizeGiB === 'number' && v.sizeGiB > 0,
      `${at}.volumes[${i}] needs device, sizeGiB > 0, type`,
    );
  });
}
