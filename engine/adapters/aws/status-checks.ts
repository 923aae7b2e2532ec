/**
 * Status checks of a poll round (both must be `ok` for an instance to count as healthy) at as few
 * DescribeInstanceStatus calls as EC2 allows. That API takes at most 100 explicit ids per call and
 * has no tag filter, so above 100 ids it is asked about the region instead:
 *
 * - **A recovery region** (the copies are most of what runs): its running instances are paged,
 *   1000 a call, until every copy is seen — one call per 1000 copies instead of 10.
 * - **A crowded region** (a production fleet beside the copies, found when that paging runs out
 *   of its budget): only the instances whose checks have NOT passed are listed, one filter for the
 *   instance check and one for the system check (EC2 ANDs filters, so "either not ok" takes two
 *   calls). A production fleet is mostly `ok` and drops out of those answers, so a round costs ~2
 *   calls whatever N. A copy absent from both answers has passed — but only if the status API
 *   has listed it since it last started running (`known`): right after launch, EC2 may not show
 *   a running instance's status yet, and absence then means "no data", not "ok". Those copies are
 *   confirmed by id. A copy seen in any other state (pending, stopped) is forgotten, since a
 *   restart goes through `initializing` again.
 *
 * Anything the region answers beyond the budget (more unsettled instances than a by-id round
 * would cost) falls back to asking by id, so no round costs more than the by-id calls plus the
 * probe's budget.
 */

import { DescribeInstanceStatusCommand, type EC2Client, type InstanceStatus } from '@aws-sdk/client-ec2';
import type { Clock } from '../../ports.js';
import { LIMITS, unique } from './batching.js';
import { statusChecksById } from './ec2-inventory.js';
import { awsCall } from './errors.js';

/** DescribeInstanceStatus MaxResults without InstanceIds (EC2's maximum). */
const STATUS_PAGE = 1000;
/** Every status but `ok` (EC2's InstanceStatusSummary values). */
export const UNSETTLED = ['initializing', 'impaired', 'insufficient-data', 'not-applicable'];
/** How long a copy the status API listed counts as known to it (forgotten sooner if it stops). */
export const KNOWN_TTL_MS = 60 * 60_000;

const passed = (s: InstanceStatus) => s.SystemStatus?.Status === 'ok' && s.InstanceStatus?.Status === 'ok';

export class StatusChecks {
  /** Regions where paging the running instances proved dearer than asking by id. */
  private readonly crowded = new Set<string>();
  /** Running copies the status API has listed, per region and id, with when it last did. */
  private readonly known = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** `running`: the ids DescribeInstances found running this round; `notRunning`: the others. */
  async of(
    client: EC2Client,
    region: string,
    running: string[],
    notRunning: string[] = [],
  ): Promise<Map<string, boolean>> {
    for (const id of notRunning) this.known.delete(`${region}/${id}`);
    const wanted = unique(running);
    const byIdCalls = Math.ceil(wanted.length / LIMITS.instanceStatusIds);
    if (byIdCalls <= 1) return this.byId(client, region, wanted);
    const healthy = new Map<string, boolean>();
    const unseen = new Set(wanted);
    if (!this.crowded.has(region)) {
      // half of 1 call per 200 copies, leaving the other half for the crowded reads if it fails
      const budget = Math.max(1, Math.floor(Math.ceil(wanted.length / 200) / 2));
      const read = await this.pages(client, region, [], budget, (s) => {
        if (!s.InstanceId || !unseen.delete(s.InstanceId)) return false;
        this.remember(region, s.InstanceId);
        healthy.set(s.InstanceId, passed(s));
        return unseen.size === 0;
      });
      // every page read: an id not listed stopped running meanwhile, so it is not healthy
      if (read.complete) return healthy;
      this.crowded.add(region);
    }
    // two region reads cost what two by-id calls do: below that, ask by id
    const rest = [...unseen];
    const reads =
      rest.length > 2 * LIMITS.instanceStatusIds
        ? this.unsettled(client, region, rest, byIdCalls)
        : this.byId(client, region, rest);
    for (const [id, ok] of await reads) healthy.set(id, ok);
    return healthy;
  }

  /** The crowded region's reads: the unsettled instances listed, the absent known copies passed. */
  private async unsettled(
    client: EC2Client,
    region: string,
    ids: string[],
    byIdCalls: number,
  ): Promise<Map<string, boolean>> {
    const healthy = new Map<string, boolean>();
    const wanted = new Set(ids);
    // at most half the by-id calls (and at least one per check) before asking by id after all
    let budget = Math.max(2, Math.floor(byIdCalls / 2));
    for (const check of ['instance-status.status', 'system-status.status']) {
      const filters = [{ Name: check, Values: UNSETTLED }];
      const read = await this.pages(client, region, filters, Math.max(1, budget), (s) => {
        if (!s.InstanceId || !wanted.has(s.InstanceId)) return false;
        this.remember(region, s.InstanceId);
        healthy.set(s.InstanceId, false);
        return false;
      });
      if (!read.complete) return this.byId(client, region, ids);
      budget -= read.pages;
    }
    const confirm: string[] = [];
    for (const id of ids) {
      if (healthy.has(id)) continue;
      if (this.isKnown(region, id)) healthy.set(id, true);
      else confirm.push(id);
    }
    for (const [id, ok] of await this.byId(client, region, confirm)) healthy.set(id, ok);
    return healthy;
  }

  /**
   * Pages of the region's running instances matching `filters`, each status handed to `each`
   * until it answers true (nothing more wanted). `complete` is false when `budget` pages ran out
   * before the answer did.
   */
  private async pages(
    client: EC2Client,
    region: string,
    filters: { Name: string; Values: string[] }[],
    budget: number,
    each: (status: InstanceStatus) => boolean,
  ): Promise<{ complete: boolean; pages: number }> {
    let token: string | undefined;
    let pages = 0;
    let enough = false;
    do {
      if (pages >= budget) return { complete: false, pages };
      const page = await awsCall(`EC2 DescribeInstanceStatus in ${region}`, () =>
        client.send(
          new DescribeInstanceStatusCommand({
            Filters: [{ Name: 'instance-state-name', Values: ['running'] }, ...filters],
            MaxResults: STATUS_PAGE,
            NextToken: token,
          }),
        ),
      );
      pages++;
      for (const s of page.InstanceStatuses ?? []) enough = each(s) || enough;
      token = page.NextToken;
    } while (token && !enough);
    return { complete: true, pages };
  }

  private async byId(client: EC2Client, region: string, ids: string[]): Promise<Map<string, boolean>> {
    if (ids.length === 0) return new Map();
    const checks = await statusChecksById(client, region, ids);
    for (const id of checks.keys()) this.remember(region, id);
    return checks;
  }

  private remember(region: string, id: string): void {
    const now = this.clock.now();
    const key = `${region}/${id}`;
    this.known.delete(key); // re-inserted last, so the map stays ordered by time
    this.known.set(key, now);
    // copies come and go with their runs: forget what expired (the oldest are first in the map)
    for (const [oldest, at] of this.known) {
      if (now - at < KNOWN_TTL_MS) break;
      this.known.delete(oldest);
    }
  }

  private isKnown(region: string, id: string): boolean {
    const at = this.known.get(`${region}/${id}`);
    return at !== undefined && this.clock.now() - at < KNOWN_TTL_MS;
  }
}
