/** Help text, generated from the grammar's verb table so it never drifts from what is parsed. */

import type { UsageError } from '../commands/grammar.js';
import { type Surface, usageOf, VERBS } from '../commands/grammar.js';

export function helpLines(surface: Surface, topic?: string): string[] {
  const code = (t: string) => (surface === 'slack' ? `\`${t}\`` : t);
  if (topic && VERBS[topic]) {
    const verb = VERBS[topic];
    return [
      code(usageOf(topic, surface)),
      verb?.summary ?? '',
      ...(EXAMPLES[topic] ?? []).map((e) => `  e.g. ${code(prefix(surface) + e)}`),
    ];
  }
  const lines = Object.entries(VERBS)
    .filter(([, v]) => !v.only || v.only === surface)
    .map(([name, v]) => `${code(usageOf(name, surface))} — ${v.summary}`);
  if (surface === 'shell') {
    lines.push('/as <user> — act as another person (try the two-person rule alone: /as bob, /as carol)');
    lines.push('wait [seconds] — wait until runs in flight finish or wait on people');
    lines.push("protect <runbook> — one protection pass (what `drbot protect` does, on this shell's store)");
    lines.push(
      'network replicate <runbook> [--cidr-remap FROM=TO] — copy the protected VPCs to the target region (`drbot network replicate`)',
    );
    lines.push('blueprint <runbook> [--write] [--mode <mode>] — the launch blueprints (`drbot blueprint`)');
    lines.push('drbot <command> — the same, typed as a printed remedy reads');
    lines.push('/quit — leave; runs keep their state and resume next time');
  } else {
    lines.push('Approve, reject and abort with the buttons on the run messages.');
  }
  return lines;
}

export function usageLines(error: UsageError, surface: Surface): string[] {
  const code = (t: string) => (surface === 'slack' ? `\`${t}\`` : `  ${t}`);
  return [error.problem, 'Usage:', ...error.usage.map(code)];
}

function prefix(surface: Surface): string {
  return surface === 'slack' ? '/dr ' : '';
}

const EXAMPLES: Record<string, string[]> = {
  drill: ['drill app-tier', 'drill app-tier reason=quarterly'],
  failover: ['failover db-tier'],
  failback: ['failback db-tier'],
  plan: ['plan drill app-tier'],
  timeline: ['timeline last', 'timeline 01J9ZX'],
  doctor: ['doctor app-tier'],
  status: ['status', 'status 01J9ZX'],
  abort: ['abort 01J9ZX wrong runbook'],
  approve: ['approve 01J9ZX'],
  reject: ['reject 01J9ZX not during the sale'],
  confirm: ['confirm 01J9ZX dns-check'],
};
