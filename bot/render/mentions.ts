/**
 * The engine writes people as plain `@bob` in its audit texts ("Gate cutover opened by @bob and
 * @carol."), because it knows nothing of Slack. In Slack those should be real mentions, which
 * render as names and link to profiles. Only exact `@<id>` tokens of users the run itself names
 * (initiator, approvers, whoever decided a gate or asked to abort) are converted, so an address
 * like `ops@example.com`, a handle the run does not know, or an existing `<@U…>` stays as it is.
 * The terminal keeps the engine's text unchanged.
 */
import type { AuditEvent, Run } from '../../engine/run.js';

/** Ids that are not people: the engine itself and the "anyone" wildcard. */
const NOT_PEOPLE = new Set(['drbot', '*']);

/** A refused click names someone the run does not accept (not an approver, the initiator…). */
const NOT_PARTICIPATING = new Set<AuditEvent['kind']>(['approval.refused']);

/**
 * `@` + an id, not preceded by a character that would make it part of a word, an e-mail address
 * or an existing Slack token (`<@U…>`).
 */
const AT_TOKEN = /(^|[^A-Za-z0-9._<@-])@([A-Za-z0-9._-]+)/g;

/**
 * The users a run names: its initiator, approvers, gate and manual-step deciders, abort requester,
 * and whoever caused one of `events` (except a refused click).
 */
export function knownUsersOf(run: Run, events: readonly AuditEvent[] = []): Set<string> {
  const users = new Set<string>([run.initiator]);
  if (run.abortRequested) users.add(run.abortRequested.by);
  for (const step of Object.values(run.steps)) {
    addAll(users, step.outputs?.approvers);
    addAll(users, step.outputs?.confirmedBy);
  }
  for (const event of events) {
    addAll(users, event.data?.approvers);
    if (!NOT_PARTICIPATING.has(event.kind)) users.add(event.actor);
  }
  for (const id of NOT_PEOPLE) users.delete(id);
  return users;
}

function addAll(users: Set<string>, value: unknown): void {
  if (typeof value === 'string') users.add(value);
  else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') users.add(v);
}

/**
 * Replaces `@<id>` with `<@id>` for every id in `known`. A token's trailing dots are sentence
 * punctuation ("… by @bob."), so they are left outside the mention.
 */
export function mentionKnownUsers(text: string, known: ReadonlySet<string>): string {
  if (known.size === 0 || !text.includes('@')) return text;
  return text.replace(AT_TOKEN, (whole, before: string, token: string) => {
    const id = token.replace(/\.+$/, '');
    if (!known.has(id)) return whole;
    return `${before}<@${id}>${token.slice(id.length)}`;
  });
}
