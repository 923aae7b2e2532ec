/**
 * The recovery-points capability: capture a point of every protected instance, copy it to the
 * recovery side with a retention count, and find the points to launch from.
 */
import type { Instance } from './compute.js';

export interface RecoveryPoint {
  id: string;
  kind: 'snapshot' | 'ami';
  region: string;
  sourceInstanceId: string;
  /** When the data was captured, epoch ms (the tag drbot:captured-at). */
  capturedAt: number;
  /** Taken between agent freeze and thaw. */
  appConsistent: boolean;
  state: 'pending' | 'available' | 'error';
}

export interface ProtectRequest {
  instances: Instance[];
  sourceRegion: string;
  targetRegion: string;
  /** Keep the newest N recovery points per instance in the target region. */
  retention: number;
  /** Idempotency per capture: the same key never captures twice. */
  captureKey: string;
  appConsistent?: boolean;
  /**
   * What a point is made of (`spec.protect.capture`): `ami` (launchable) or `snapshots` (EBS
   * snapshot sets, data only). @default the provider's own default (AWS: ami; the sim: snapshots)
   */
  capture?: CaptureSetting;
}

/** `spec.protect.capture`. */
export type CaptureSetting = 'ami' | 'snapshots';

export interface ProtectResult {
  points: RecoveryPoint[];
  /** Recovery points deleted by retention. */
  pruned: string[];
}

export interface RecoveryPointsPort {
  recoveryPoints(sourceInstanceId: string, region: string): Promise<RecoveryPoint[]>;
  latestRecoveryPoint(sourceInstanceId: string, region: string): Promise<RecoveryPoint | undefined>;
  /**
   * The newest available point of each instance, in as few describe calls as the cloud allows
   * (AWS: one per 200 ids and page); instances without a point are absent. Throttled pages are
   * retried within the call. Optional: callers fall back to latestRecoveryPoint per instance
   * (engine/actions/support/latest-points.ts).
   */
  latestRecoveryPoints?(
    sourceInstanceIds: readonly string[],
    region: string,
  ): Promise<Record<string, RecoveryPoint>>;
  protect(request: ProtectRequest): Promise<ProtectResult>;
}
