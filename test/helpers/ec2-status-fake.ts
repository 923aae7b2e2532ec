/**
 * DescribeInstanceStatus answered like EC2 for a region's running instances, for
 * aws-sdk-client-mock's `callsFake`: at most 100 InstanceIds (more is EC2's InvalidParameterValue),
 * or the region filtered by `instance-state-name`, `instance-status.status` and
 * `system-status.status` (values ORed within a filter, filters ANDed), in pages of MaxResults.
 */

export interface FakeInstanceStatus {
  id: string;
  /** The instance check; `ok` when left out. */
  instance?: string;
  /** The system check; `ok` when left out. */
  system?: string;
}

interface StatusInput {
  InstanceIds?: string[];
  Filters?: { Name?: string; Values?: string[] }[];
  MaxResults?: number;
  NextToken?: string;
}

const FIELDS: Record<string, (s: FakeInstanceStatus) => string> = {
  'instance-state-name': () => 'running',
  'instance-status.status': (s) => s.instance ?? 'ok',
  'system-status.status': (s) => s.system ?? 'ok',
};

/** `region()` is read on every call, so a test can move the fleet's checks between rounds. */
export function ec2StatusAnswers(region: () => FakeInstanceStatus[]) {
  const summary = (s: FakeInstanceStatus) => ({
    InstanceId: s.id,
    InstanceState: { Name: 'running' },
    SystemStatus: { Status: s.system ?? 'ok' },
    InstanceStatus: { Status: s.instance ?? 'ok' },
  });
  return (input: StatusInput) => {
    const fleet = region();
    if (input.InstanceIds) {
      if (input.InstanceIds.length > 100) {
        throw Object.assign(new Error('The maximum number of instance IDs is 100'), {
          name: 'InvalidParameterValue',
        });
      }
      const wanted = new Set(input.InstanceIds);
      return { InstanceStatuses: fleet.filter((s) => wanted.has(s.id)).map(summary) };
    }
    const matching = fleet.filter((s) =>
      (input.Filters ?? []).every((f) => {
        const field = FIELDS[f.Name ?? ''];
        if (!field) throw new Error(`fake EC2: no filter ${f.Name}`);
        return (f.Values ?? []).includes(field(s));
      }),
    );
    const from = Number(input.NextToken ?? 0);
    const to = from + (input.MaxResults ?? 1000);
    return {
      InstanceStatuses: matching.slice(from, to).map(summary),
      ...(to < matching.length ? { NextToken: String(to) } : {}),
    };
  };
}
