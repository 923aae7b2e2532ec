/**
 * Per-zone mapping source AZ → target AZ. Zones keep their letter when the target region has it
 * (us-east-1a → us-west-2a, cn-hangzhou-h → cn-shanghai-h), so subnets spread over zones the same way; others are spread over
 * the target zones that are left, in order.
 */
import { ReplicationPlanError } from './errors.js';

/** The zone's letter: after the region's digit (AWS us-east-1a) or its last dash (Alibaba cn-hangzhou-h). */
const letter = (zone: string) => zone.replace(/^.*[\d-]/, '');

export function mapZones(
  sourceZones: readonly string[],
  targetZones: readonly string[],
  overrides: Record<string, string> = {},
): Record<string, string> {
  const targets = [...new Set(targetZones)].sort();
  if (targets.length === 0) {
    throw new ReplicationPlanError(
      'The target region has no availability zone to place subnets in',
      'drbot maps each source zone to a target zone and found none available in the target region.',
      'Check that the target region is enabled for the account and that the credentials may call DescribeAvailabilityZones.',
    );
  }
  const out: Record<string, string> = {};
  const unmatched: string[] = [];
  for (const zone of [...new Set(sourceZones)].sort()) {
    const forced = overrides[zone];
    if (forced) {
      if (!targets.includes(forced)) {
        throw new ReplicationPlanError(
          `Zone override ${zone} → ${forced} names a zone the target region does not have`,
          `The target region's zones are ${targets.join(', ')}.`,
          'Fix the zone override to one of those zones.',
          { zone, forced },
        );
      }
      out[zone] = forced;
      continue;
    }
    const same = targets.find((t) => letter(t) === letter(zone));
    if (same) out[zone] = same;
    else unmatched.push(zone);
  }
  const used = new Set(Object.values(out));
  const spare = targets.filter((t) => !used.has(t));
  const pool = spare.length > 0 ? spare : targets;
  unmatched.forEach((zone, i) => {
    out[zone] = pool[i % pool.length]!;
  });
  return out;
}
