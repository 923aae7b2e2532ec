'use strict';
/**
 * Variable resolver for the `scheduler` function's events: one EventBridge Scheduler schedule per
 * `schedule` entry of every runbook, generated when packaging. Adding an entry to a runbook adds
 * a schedule on the next deploy; removing it removes the schedule. Used in serverless.yml as
 * `events: ${file(serverless/schedules.cjs)}`.
 */
const { loadRunbooks } = require('./runbooks.cjs');
const { toSchedulerExpression } = require('./cron.cjs');

/** EventBridge Scheduler names: at most 64 of [.-_A-Za-z0-9]. */
function scheduleName(stage, runbook, index) {
  return `drbot-${stage}-${runbook}-${index}`.replace(/[^.\-_A-Za-z0-9]/g, '-').slice(0, 64);
}

/**
 * The payload the scheduler Lambda receives. `index` is the entry's position in the runbook so the
 * handler can find it again; the rest is repeated so the post names what was scheduled even if
 * the runbook changed since packaging.
 */
function scheduleInput(runbook, entry, index) {
  return {
    source: 'drbot.schedule',
    runbook: runbook.name,
    index,
    mode: entry.mode,
    cron: entry.cron,
    timezone: entry.timezone,
    channel: entry.channel,
    auto: entry.auto !== false,
  };
}

/** Builds the `events` list; exported for tests. */
function scheduleEvents(runbooks, stage) {
  const events = [];
  for (const runbook of runbooks) {
    const entries = Array.isArray(runbook.spec.schedule) ? runbook.spec.schedule : [];
    entries.forEach((entry, index) => {
      if (!entry || typeof entry.cron !== 'string' || typeof entry.timezone !== 'string') {
        throw new Error(`${runbook.file}: schedule[${index}] needs a cron and a timezone.`);
      }
      events.push({
        schedule: {
          method: 'scheduler',
          name: scheduleName(stage, runbook.name, index),
          description: `${entry.mode} of ${runbook.name} at "${entry.cron}" ${entry.timezone}`,
          rate: [toSchedulerExpression(entry.cron)],
          timezone: entry.timezone,
          input: scheduleInput(runbook, entry, index),
          // Scheduler assumes this role to invoke the function (the function role cannot be assumed by it).
          roleArn: { 'Fn::GetAtt': ['SchedulerInvokeRole', 'Arn'] },
        },
      });
    });
  }
  return events;
}

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  return scheduleEvents(loadRunbooks(), stage);
};
module.exports.scheduleEvents = scheduleEvents;
module.exports.scheduleName = scheduleName;
