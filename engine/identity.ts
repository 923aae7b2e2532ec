/**
 * Canonical user ids. Approvals, initiators, owners and access lists compare people by their
 * canonical id, so one person can never count twice (or dodge the initiator exclusion) by
 * spelling their name differently:
 * - a Slack user id (`U…`/`W…`, then upper-case letters and digits, at least one digit) is canonical
 *   as it is;
 * - any other (local) name is trimmed and case-folded: `ALICE`, `Alice` and `alice` are alice.
 */

const SLACK_USER_ID = /^[UW][A-Z0-9]*\d[A-Z0-9]*$/;

export function canonicalUser(id: string): string {
  const trimmed = id.trim();
  return SLACK_USER_ID.test(trimmed) ? trimmed : trimmed.toLowerCase();
}

export function sameUser(a: string, b: string): boolean {
  return canonicalUser(a) === canonicalUser(b);
}
