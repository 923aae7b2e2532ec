/**
 * The `point` start parameter of a failover or drill: `latest` (the default),
 * `latest-app-consistent`, an ISO time (the newest point captured at or before it) or a recovery
 * point id (that point for its instance, and for the others the newest point captured at or
 * before it, so the whole tier recovers to one moment).
 */
import type { CloudProvider } from '../../cloud/provider.js';
import type { RecoveryPoint } from '../../cloud/recovery-points.js';
import { NonRetryableError } from '../../errors.js';
import { latestPoints, retryThrottled } from './latest-points.js';

/** The start parameter naming the recovery point to recover from. */
export const POINT_PARAM = 'point';

export type PointChoice =
  | { kind: 'latest' }
  | { kind: 'latest-app-consistent' }
  | { kind: 'at'; at: number }
  | { kind: 'id'; id: string };

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T/;

export function parsePointChoice(text: string | undefined): PointChoice {
  const value = text?.trim() ?? '';
  if (value === '' || value === 'latest') return { kind: 'latest' };
  if (value === 'latest-app-consistent') return { kind: 'latest-app-consistent' };
  if (ISO_TIME.test(value)) {
    const at = Date.parse(value);
    if (Number.isNaN(at)) throw badPoint(value);
    return { kind: 'at', at };
  }
  if (/^[A-Za-z0-9][A-Za-z0-9_:.-]{0,127}$/.test(value)) return { kind: 'id', id: value };
  throw badPoint(value);
}

function badPoint(value: string): NonRetryableError {
  return new NonRetryableError(`"${value}" is not a recovery point`, {
    code: 'BAD_POINT',
    explanation:
      'point= takes a recovery point id, an ISO time (2026-01-05T09:00:00Z), latest or latest-app-consistent.',
    action: 'List the points with `points <runbook>` and start again with one of them.',
    context: { point: value },
  });
}

export function describeChoice(choice: PointChoice): string {
  switch (choice.kind) {
    case 'latest':
      return 'the newest point';
    case 'latest-app-consistent':
      return 'the newest app-consistent point';
    case 'at':
      return `the newest point at or before ${new Date(choice.at).toISOString()}`;
    case 'id':
      return `point ${choice.id}`;
  }
}

async function allPoints(cloud: CloudProvider, id: string, region: string): Promise<RecoveryPoint[]> {
  const points = await retryThrottled(() => cloud.recoveryPoints(id, region));
  return points.filter((p) => p.state === 'available').sort((a, b) => b.capturedAt - a.capturedAt);
}

/** Source instance id → the chosen point; instances without a matching point are absent. */
export async function choosePoints(
  cloud: CloudProvider,
  instanceIds: readonly string[],
  region: string,
  choice: PointChoice,
): Promise<Record<string, RecoveryPoint>> {
  if (choice.kind === 'latest') return latestPoints(cloud, instanceIds, region);
  const perInstance = new Map<string, RecoveryPoint[]>();
  for (const id of instanceIds) perInstance.set(id, await allPoints(cloud, id, region));
  let at = Number.POSITIVE_INFINITY;
  let pinned: RecoveryPoint | undefined;
  if (choice.kind === 'at') at = choice.at;
  if (choice.kind === 'id') {
    for (const points of perInstance.values()) pinned ??= points.find((p) => p.id === choice.id);
    if (!pinned) {
      throw new NonRetryableError(`No recovery point ${choice.id} in ${region}`, {
        code: 'POINT_NOT_FOUND',
        explanation: `None of the protected instances has an available point with this id in ${region}.`,
        action: 'List the points with `points <runbook>` and pick one of them.',
        context: { point: choice.id, region },
      });
    }
    at = pinned.capturedAt;
  }
  const out: Record<string, RecoveryPoint> = {};
  for (const [id, points] of perInstance) {
    if (pinned?.sourceInstanceId === id) {
      out[id] = pinned;
      continue;
    }
    const found = points.find(
      (p) => p.capturedAt <= at && (choice.kind !== 'latest-app-consistent' || p.appConsistent),
    );
    if (found) out[id] = found;
  }
  return out;
}
