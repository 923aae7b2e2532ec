/**
 * Slack user groups as the engine's Directory: `usergroups.users.list`, cached briefly so one
 * approval click does not cost an API call, yet a change of on-call rota is seen within a minute.
 */
import type { WebClient } from '@slack/web-api';
import { DrbotError } from '../../engine/errors.js';
import type { Clock, Directory } from '../../engine/ports.js';

export interface SlackDirectoryOptions {
  client: WebClient;
  clock: Clock;
  /** How long a group's members are reused. @default 60_000 */
  ttlMs?: number;
}

export class SlackDirectory implements Directory {
  private readonly cache = new Map<string, { members: string[]; at: number }>();
  private readonly inFlight = new Map<string, Promise<string[]>>();
  private readonly ttlMs: number;

  constructor(private readonly options: SlackDirectoryOptions) {
    this.ttlMs = options.ttlMs ?? 60_000;
  }

  async membersOf(group: string): Promise<string[]> {
    const now = this.options.clock.now();
    const cached = this.cache.get(group);
    if (cached && now - cached.at < this.ttlMs) return cached.members;
    // Concurrent clicks share one call instead of each asking Slack.
    const pending = this.inFlight.get(group);
    if (pending) return pending;
    const call = this.fetch(group, now).finally(() => this.inFlight.delete(group));
    this.inFlight.set(group, call);
    return call;
  }

  private async fetch(group: string, now: number): Promise<string[]> {
    try {
      const result = await this.options.client.usergroups.users.list({ usergroup: group });
      const members = result.users ?? [];
      this.cache.set(group, { members, at: now });
      return members;
    } catch (err) {
      // A stale answer is better than refusing every approver while Slack hiccups.
      const stale = this.cache.get(group);
      if (stale) return stale.members;
      throw new DrbotError(`Could not read the members of the user group ${group} from Slack.`, {
        code: 'DIRECTORY_UNAVAILABLE',
        explanation: `usergroups.users.list failed: ${err instanceof Error ? err.message : String(err)}.`,
        action:
          'Check that the bot token has the usergroups:read scope and that the group id is right, then try again.',
        cause: err,
      });
    }
  }
}
