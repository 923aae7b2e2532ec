/**
 * The facts every status shows in words, shared by Slack and the terminal: the current step,
 * the RTO clock against its target, the measured RPO, the cleanup result and who is awaited.
 */

import type { Runbook } from '../../engine/runbook/types.js';
import { type Audience, describePrincipals, duration, joinWords, progressBar, user, when } from './format.js';
import { type GateView, type RunView, stepLabel } from './view.js';

export function verdict(measured: number | undefined, target: number): string {
  if (measured === undefined) return '';
  return measured <= target ? ' ✅ within objective' : ' ⚠️ over objective';
}

/** "RTO so far 2m10s / target 15m" while running; "RTO 4m12s (objective 15m) ✅" when measured. */
export function rtoLine(view: RunView): string {
  return `${rtoText(view)}${declaredText(view)}`;
}

function rtoText(view: RunView): string {
  if (view.rto.measuredMs !== undefined) {
    return `RTO ${duration(view.rto.measuredMs)} (objective ${duration(view.rto.targetMs)})${verdict(view.rto.measuredMs, view.rto.targetMs)}`;
  }
  if (view.terminal) return `RTO not measured (objective ${duration(view.rto.targetMs)})`;
  return `RTO so far ${duration(view.rto.soFarMs)} / target ${duration(view.rto.targetMs)}`;
}

/** A failover started with `declaredAt` says so: RTO counts from the declaration, not the start. */
function declaredText(view: RunView): string {
  const value = view.run.params?.declaredAt;
  if (value === undefined) return '';
  const at = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Date.parse(value);
  return Number.isFinite(at) ? ` · declared ${new Date(at).toISOString()} (declaredAt)` : '';
}

/** "RPO claimed 12m, measured 13m (objective 1h) ✅" when both exist, else whichever does. */
export function rpoLine(view: RunView): string {
  const { claimedMs, measuredMs, targetMs } = view.rpo;
  const parts: string[] = [];
  if (claimedMs !== undefined) parts.push(`claimed ${duration(claimedMs)}`);
  if (measuredMs !== undefined) parts.push(`measured ${duration(measuredMs)}`);
  if (parts.length === 0) return `RPO not measured (objective ${duration(targetMs)})`;
  const worst = Math.max(claimedMs ?? 0, measuredMs ?? 0);
  return `RPO ${parts.join(', ')} (objective ${duration(targetMs)})${verdict(worst, targetMs)}`;
}

export function cleanupLine(view: RunView): string | undefined {
  const c = view.cleanup;
  switch (c.state) {
    case 'none':
      return undefined;
    case 'pending':
      return `Cleanup: ${c.total} step${c.total === 1 ? '' : 's'} to run after the main steps`;
    case 'running':
      return `Cleanup: running (${c.succeeded + c.failed}/${c.total})`;
    case 'succeeded':
      return `Cleanup: done, ${c.succeeded}/${c.total} step${c.total === 1 ? '' : 's'} succeeded`;
    case 'failed':
      return `Cleanup: ⚠️ ${c.failed} of ${c.total} step${c.total === 1 ? '' : 's'} failed — drill resources may be left behind`;
  }
}

/** `▰▰▱▱▱ 2/7 succeeded · 1 failed · 4 cancelled`: only successes fill the bar. */
export function progressText(view: RunView, width = 12): string {
  const { succeeded, failed, skipped, cancelled } = view.counts;
  const extra = [
    failed ? `${failed} failed` : '',
    skipped ? `${skipped} skipped` : '',
    cancelled ? `${cancelled} cancelled` : '',
  ].filter(Boolean);
  return `${progressBar(succeeded, view.total, width)} succeeded${extra.length ? ` · ${extra.join(' · ')}` : ''}`;
}

/** "launch (attempt 2), health" or "—". */
export function currentLine(view: RunView, runbook: Runbook | undefined, audience: Audience): string {
  if (view.terminal) return '—';
  if (view.current.length === 0) return 'between steps';
  const keys = Object.entries(view.run.steps)
    .filter(([, s]) => view.current.includes(s))
    .map(([k, s]) => `${stepLabel(k, runbook, view.run)}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ''}`);
  const shown = keys.slice(0, 3);
  const more = keys.length > 3 ? ` and ${keys.length - 3} more` : '';
  return `${shown.join(', ')}${more}${audience === 'slack' ? '' : ''}`;
}

/** "1 of 2 approvals: @alice" — or "0 of 2 approvals yet". */
export function approvalCount(gate: GateView, audience: Audience): string {
  const who = gate.approvals.map((a) => user(a.user, audience));
  const head = `${gate.approvals.length} of ${gate.required} approval${gate.required === 1 ? '' : 's'}`;
  return who.length > 0 ? `${head}: ${joinWords(who)}` : `${head} yet`;
}

/** "expires in 28m" while a gate waits; "expired" once past its timeout. */
export function expiresLine(gate: GateView, now: number): string | undefined {
  if (gate.expiresAt === undefined) return undefined;
  const left = gate.expiresAt - now;
  return left > 0 ? `expires in ${duration(left)}` : 'expired (the next advance fails the gate)';
}

/** "cutover approved by bob and carol (21:04 and 21:06 UTC)" — who let a CUTOVER through. */
export function decidedLine(gate: GateView, audience: Audience): string {
  const d = gate.decision;
  const at = (t: number) =>
    audience === 'slack' ? when(t, 'slack') : `${new Date(t).toISOString().slice(11, 16)} UTC`;
  if (d?.outcome === 'rejected') return `${gate.gate} rejected by ${user(d.by, audience)} at ${at(d.at)}`;
  if (d?.outcome === 'timed-out') return `${gate.gate} timed out at ${at(d.at)} with no decision`;
  const who = gate.approvals.map((a) => `${user(a.user, audience)} (${at(a.at)})`);
  return `${gate.gate} approved by ${joinWords(who) || 'nobody recorded'}`;
}

/** Who may approve, in words, including the initiator exclusion. */
export function mayApprove(gate: GateView, initiator: string, audience: Audience): string {
  const allowed = describePrincipals(gate.approvers, audience);
  return gate.excludeInitiator ? `${allowed}, except the initiator ${user(initiator, audience)}` : allowed;
}
