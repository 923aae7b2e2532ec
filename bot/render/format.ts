/**
 * Small text pieces shared by the Slack and terminal renderers, parameterised by audience:
 * Slack gets `<@U…>` mentions and `<!date>` tokens, the terminal gets plain names and UTC times.
 */
import { formatDuration } from '../../engine/duration.js';
import type { Principals } from '../../engine/runbook/types.js';
import { visible } from './visible.js';

export type Audience = 'slack' | 'text';

export function user(id: string, audience: Audience): string {
  if (id === '*') return 'anyone';
  if (id === 'drbot') return 'drbot';
  return audience === 'slack' ? `<@${id}>` : id;
}

export function group(id: string, audience: Audience): string {
  // Slack renders a user-group mention only from its id (S…); local names stay readable.
  return audience === 'slack' && /^S[A-Z0-9]+$/.test(id) ? `<!subteam^${id}>` : `@${id}`;
}

/** "alice, bob and carol". */
export function joinWords(words: string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Who a principals list allows, in words: "anyone", "bob or members of @S0SRE". */
export function describePrincipals(who: Principals | undefined, audience: Audience): string {
  if (!who) return 'nobody (the runbook lists no one)';
  if (who.users?.includes('*')) return 'anyone';
  const parts = [
    ...(who.users ?? []).map((u) => user(u, audience)),
    ...(who.groups ?? []).map((g) => `members of ${group(g, audience)}`),
  ];
  if (parts.length === 0) return 'nobody (the runbook lists no one)';
  if (parts.length === 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

export function duration(ms: number | undefined): string {
  return ms === undefined ? '—' : formatDuration(ms);
}

/** A time of day: Slack localises `<!date>` for each reader; the terminal shows UTC. */
export function when(at: number, audience: Audience): string {
  const iso = new Date(at).toISOString();
  const fallback = `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
  if (audience === 'text') return fallback;
  return `<!date^${Math.floor(at / 1000)}^{date_short} {time_secs}|${fallback}>`;
}

/** `▰▰▰▱▱▱▱▱▱▱ 3/10`; text audiences get ASCII-safe blocks. */
export function progressBar(done: number, total: number, width = 12): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * width);
  return `${'▰'.repeat(filled)}${'▱'.repeat(width - filled)} ${done}/${total}`;
}

/** Keeps a string within `max` characters, ending it with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, max);
  return `${text.slice(0, max - 1)}…`;
}

/** Slack tokens drbot itself writes (mentions, dates, channels, links): kept, not escaped. */
const SLACK_TOKEN =
  /<(?:@[A-Za-z0-9._-]+|!subteam\^[A-Za-z0-9]+|!date\^[^<>]+|#C[A-Z0-9]+|https?:\/\/[^<>\s]+)>/g;

/** Escapes the characters Slack's mrkdwn treats as control characters, keeping Slack tokens. */
export function escapeMrkdwn(text: string): string {
  const tokens: string[] = [];
  const held = visible(text).replace(SLACK_TOKEN, (t) => `\uE000${tokens.push(t) - 1}\uE000`);
  return held
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\uE000(\d+)\uE000/g, (_, i: string) => tokens[Number(i)] ?? '');
}

export const MODE_TITLE: Record<string, string> = {
  drill: 'Drill',
  failover: 'Failover (CUTOVER)',
  failback: 'Failback',
};

export const STATUS_ICON: Record<string, string> = {
  running: '🔄',
  waiting: '⏳',
  succeeded: '✅',
  failed: '❌',
  aborted: '🛑',
  pending: '▫️',
  skipped: '⏭️',
  cancelled: '🚫',
};

export const STATUS_MARK: Record<string, string> = {
  running: '~',
  waiting: '?',
  succeeded: '✓',
  failed: '✗',
  aborted: '!',
  pending: '·',
  skipped: '-',
  cancelled: 'x',
};
