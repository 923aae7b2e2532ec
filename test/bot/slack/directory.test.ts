import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { SlackDirectory } from '../../../bot/slack/directory.js';
import { FakeClock } from '../../../engine/adapters/memory/clock.js';

function client(members: Record<string, string[]>, failing: { on: boolean }) {
  const calls: string[] = [];
  const c = {
    usergroups: {
      users: {
        list: async ({ usergroup }: { usergroup: string }) => {
          calls.push(usergroup);
          if (failing.on) throw new Error('ratelimited');
          return { ok: true, users: members[usergroup] ?? [] };
        },
      },
    },
  };
  return { client: c as unknown as WebClient, calls };
}

describe('SlackDirectory', () => {
  it('caches members for the TTL, then asks Slack again', async () => {
    const clock = new FakeClock();
    const members = { S0SRE: ['bob'] };
    const { client: c, calls } = client(members, { on: false });
    const directory = new SlackDirectory({ client: c, clock, ttlMs: 60_000 });
    expect(await directory.membersOf('S0SRE')).toEqual(['bob']);
    members.S0SRE = ['bob', 'carol'];
    expect(await directory.membersOf('S0SRE')).toEqual(['bob']);
    clock.advance(60_000);
    expect(await directory.membersOf('S0SRE')).toEqual(['bob', 'carol']);
    expect(calls).toEqual(['S0SRE', 'S0SRE']);
  });

  it('shares one call between concurrent lookups and falls back to stale members on failure', async () => {
    const clock = new FakeClock();
    const failing = { on: false };
    const { client: c, calls } = client({ S0SRE: ['bob'] }, failing);
    const directory = new SlackDirectory({ client: c, clock, ttlMs: 1000 });
    await Promise.all([directory.membersOf('S0SRE'), directory.membersOf('S0SRE')]);
    expect(calls).toHaveLength(1);
    failing.on = true;
    clock.advance(2000);
    expect(await directory.membersOf('S0SRE')).toEqual(['bob']);
    await expect(directory.membersOf('S0OPS')).rejects.toMatchObject({ code: 'DIRECTORY_UNAVAILABLE' });
  });
});
