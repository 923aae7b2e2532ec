/** Checks on the spec itself: schedules (cron, time zone, mode), gates that can be satisfied, access, retry, per-mode objectives. */
import { CronPattern } from 'croner';
import { parseDuration } from '../../duration.js';
import { type CheckContext, definedModes, stepsOf } from './context.js';

export function checkSpec(ctx: CheckContext): void {
  checkSchedule(ctx);
  checkGates(ctx);
  checkAccess(ctx);
  checkRetry(ctx);
  checkModeObjectives(ctx);
}

/** `objectives.<mode>` for a mode the runbook does not define would never be read: a typo, likely. */
function checkModeObjectives(ctx: CheckContext): void {
  const modes = definedModes(ctx.doc);
  for (const mode of ['drill', 'failover', 'failback'] as const) {
    if (ctx.doc.spec.objectives[mode] === undefined || modes.includes(mode)) continue;
    ctx.issues.push(
      ctx.source.issue(
        ['spec', 'objectives', mode],
        'OBJECTIVES_FOR_MISSING_MODE',
        `objectives.${mode} sets objectives for a mode this runbook does not define`,
        { hint: `add spec.modes.${mode}, or remove objectives.${mode} (defined modes: ${modes.join(', ')})` },
      ),
    );
  }
}

function checkSchedule(ctx: CheckContext): void {
  const modes = definedModes(ctx.doc);
  ctx.doc.spec.schedule.forEach((entry, i) => {
    const path = ['spec', 'schedule', i];
    try {
      new CronPattern(entry.cron, undefined, { mode: '5-part' });
    } catch (err) {
      ctx.issues.push(
        ctx.source.issue([...path, 'cron'], 'BAD_CRON', `"${entry.cron}" is not a valid cron expression`, {
          hint: `${err instanceof Error ? err.message.replace(/^CronPattern: /, '') : 'invalid'}; use five fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * MON"`,
        }),
      );
    }
    if (!isTimeZone(entry.timezone))
      ctx.issues.push(
        ctx.source.issue(
          [...path, 'timezone'],
          'BAD_TIMEZONE',
          `"${entry.timezone}" is not a known time zone`,
          {
            hint: 'use an IANA zone name such as Europe/London or UTC',
          },
        ),
      );
    if (entry.mode !== 'drill')
      ctx.issues.push(
        ctx.source.issue(
          [...path, 'mode'],
          'SCHEDULE_UNSAFE_MODE',
          `only drills may be scheduled, not ${entry.mode}`,
          {
            hint: 'a failover or failback is started by a person, never by a timer',
          },
        ),
      );
    else if (!modes.includes(entry.mode))
      ctx.issues.push(
        ctx.source.issue(
          [...path, 'mode'],
          'SCHEDULE_UNKNOWN_MODE',
          `the schedule runs a ${entry.mode} but spec.modes has none`,
          {
            hint: `add spec.modes.${entry.mode} or remove this schedule entry`,
          },
        ),
      );
  });
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkGates(ctx: CheckContext): void {
  const used = new Set<string>();
  for (const mode of definedModes(ctx.doc))
    for (const ref of stepsOf(ctx.doc, mode))
      if (ref.step.action === 'approval') used.add(String(ref.step.with.gate));
  for (const [name, gate] of Object.entries(ctx.doc.spec.approvals)) {
    const path = ['spec', 'approvals', name];
    const users = gate.approvers.users ?? [];
    const openEnded = users.includes('*') || (gate.approvers.groups ?? []).length > 0;
    if (!openEnded && users.length < gate.required)
      ctx.issues.push(
        ctx.source.issue(
          [...path, 'required'],
          'GATE_UNSATISFIABLE',
          `gate "${name}" needs ${gate.required} approvers but lists only ${users.length}`,
          {
            hint: 'list more approvers (or a user group), or lower required',
          },
        ),
      );
    if (!used.has(name))
      ctx.issues.push(
        ctx.source.issue(path, 'GATE_UNUSED', `gate "${name}" is not used by any approval step`, {
          hint: `remove it or add an approval step with \`with: { gate: ${name} }\``,
          severity: 'warning',
          atKey: true,
        }),
      );
  }
}

function checkAccess(ctx: CheckContext): void {
  for (const mode of definedModes(ctx.doc))
    if (!ctx.doc.spec.access[mode])
      ctx.issues.push(
        ctx.source.issue(
          ['spec', 'modes', mode],
          'ACCESS_MISSING',
          `nobody may start a ${mode}: spec.access.${mode} is not set`,
          {
            hint: `add spec.access.${mode}: { users: [...], groups: [...] }`,
            severity: 'warning',
            atKey: true,
          },
        ),
      );
}

function checkRetry(ctx: CheckContext): void {
  for (const mode of definedModes(ctx.doc))
    for (const ref of stepsOf(ctx.doc, mode)) {
      const retry = ref.step.retry;
      if (retry?.maxInterval && parseDuration(retry.maxInterval) < parseDuration(retry.initialInterval))
        ctx.issues.push(
          ctx.source.issue(
            [...ref.path, 'retry', 'maxInterval'],
            'RETRY_INTERVALS',
            'maxInterval is shorter than initialInterval',
            {
              hint: 'make maxInterval at least initialInterval',
              severity: 'warning',
            },
          ),
        );
    }
}
