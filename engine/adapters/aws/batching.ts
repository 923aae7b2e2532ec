/**
 * Batch sizes, chunking, bounded concurrency and idempotency tokens shared by the AWS adapter.
 * AWS limits are per call, so every fleet-wide operation is split into as few calls as allowed.
 */
import { createHash } from 'node:crypto';

/** AWS per-call limits drbot respects (from the EC2 / SSM API references). */
export const LIMITS = {
  /** DescribeInstances InstanceIds, DescribeSnapshots SnapshotIds. */
  describeIds: 1000,
  /** DescribeInstanceStatus: "Maximum 100 explicitly specified instance IDs". */
  instanceStatusIds: 100,
  /** DescribeVolumes VolumeIds (no hard limit documented; keeps the request small). */
  volumeIds: 500,
  /** StopInstances / StartInstances / TerminateInstances. */
  mutateIds: 1000,
  /** SSM SendCommand InstanceIds. */
  sendCommandIds: 50,
  /** EC2 ClientToken length. */
  clientToken: 64,
  /** SSM SendCommand Comment length. */
  ssmComment: 100,
} as const;

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Maps with at most `limit` calls in flight, keeping input order in the result. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * A token of at most `max` characters derived from `key`: the key itself when it fits, otherwise
 * a readable prefix plus a SHA-256 digest, so different keys never share a token and the same key
 * always yields the same token (which is what makes ClientToken retries idempotent).
 */
export function boundedToken(key: string, max: number = LIMITS.clientToken): string {
  if (key.length <= max) return key;
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 40);
  const prefixLength = Math.max(0, max - digest.length - 1);
  return prefixLength > 0 ? `${key.slice(0, prefixLength)}-${digest}` : digest.slice(0, max);
}

/** De-duplicates while keeping first-seen order. */
export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
