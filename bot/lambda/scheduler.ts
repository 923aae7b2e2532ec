/**
 * The `scheduler` function: EventBridge Scheduler invokes it with the payload serverless.yml
 * generated from one runbook `schedule` entry (serverless/schedules.cjs). It announces the drill
 * in the entry's channel and starts it like a manual run, or offers a "Start drill" button.
 */
import { DrbotError } from '../../engine/errors.js';
import { MODES, type Mode } from '../../engine/runbook/types.js';
import { type AwsRuntime, getAwsRuntime } from '../runtime/aws.js';
import { loadPackagedRunbooks } from '../runtime/packaged-runbooks.js';
import { commandDrillStarter, slackChannelPoster } from '../scorecard/slack.js';
import { type DueSchedule, runScheduledDrill, type ScheduledOutcome } from '../scorecard/weekly.js';

/** The Input of each generated schedule. */
export interface ScheduleEvent {
  source: 'drbot.schedule';
  runbook: string;
  index?: number;
  mode: Mode;
  channel: string;
  auto?: boolean;
  cron?: string;
  timezone?: string;
}

/** Validates the payload; anything else invoking this function is refused loudly. */
export function parseScheduleEvent(event: unknown): DueSchedule {
  const e = (event ?? {}) as Partial<ScheduleEvent>;
  if (
    e.source !== 'drbot.schedule' ||
    typeof e.runbook !== 'string' ||
    typeof e.channel !== 'string' ||
    !MODES.includes(e.mode as Mode)
  ) {
    throw new DrbotError('The scheduler function received an event it does not understand.', {
      code: 'BAD_SCHEDULE_EVENT',
      explanation: `Expected the payload serverless/schedules.cjs generates ({"source":"drbot.schedule","runbook",…}); got ${JSON.stringify(event).slice(0, 200)}.`,
      action:
        'Invoke it only from the generated EventBridge schedules; redeploy if the payload format changed.',
    });
  }
  return {
    runbook: e.runbook,
    mode: e.mode as Mode,
    channel: e.channel,
    auto: e.auto !== false,
    ...(typeof e.index === 'number' ? { index: e.index } : {}),
  };
}

export function createSchedulerHandler(getRuntime: () => Promise<AwsRuntime>) {
  return async (
    event: unknown,
    _context: unknown,
  ): Promise<{ kind: ScheduledOutcome['kind']; runId?: string }> => {
    const due = parseScheduleEvent(event);
    const runtime = await getRuntime();
    const outcome = await runScheduledDrill(
      {
        services: runtime.services,
        post: slackChannelPoster(runtime.slack),
        start: commandDrillStarter(runtime.services),
        staleDays: runtime.staleDays,
      },
      due,
    );
    await runtime.flush();
    console.log(JSON.stringify({ drbot: 'scheduler', ...due, outcome: outcome.kind }));
    return { kind: outcome.kind, ...(outcome.kind === 'started' ? { runId: outcome.run.id } : {}) };
  };
}

export const handler = createSchedulerHandler(() => getAwsRuntime({ runbooks: loadPackagedRunbooks }));
