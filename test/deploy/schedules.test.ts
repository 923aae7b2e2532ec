import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { toSchedulerExpression } = require('../../serverless/cron.cjs') as {
  toSchedulerExpression: (c: string) => string;
};
const { scheduleEvents, scheduleName } = require('../../serverless/schedules.cjs') as {
  scheduleEvents: (runbooks: unknown[], stage: string) => { schedule: Record<string, unknown> }[];
  scheduleName: (stage: string, runbook: string, index: number) => string;
};

describe('toSchedulerExpression', () => {
  it('turns five-field Unix cron into EventBridge Scheduler cron with "?" for the unused day field', () => {
    expect(toSchedulerExpression('0 9 * * MON')).toBe('cron(0 9 ? * MON *)');
    expect(toSchedulerExpression('30 2 1 * *')).toBe('cron(30 2 1 * ? *)');
    expect(toSchedulerExpression('0 * * * *')).toBe('cron(0 * * * ? *)');
  });

  it('shifts numeric weekdays from Unix (0=Sunday) to AWS (1=Sunday)', () => {
    expect(toSchedulerExpression('0 9 * * 1-5')).toBe('cron(0 9 ? * 2-6 *)');
    expect(toSchedulerExpression('0 9 * * 0,6')).toBe('cron(0 9 ? * 1,7 *)');
    expect(toSchedulerExpression('0 9 * * 7')).toBe('cron(0 9 ? * 1 *)');
  });

  it('refuses what EventBridge Scheduler cannot express, saying how to fix it', () => {
    expect(() => toSchedulerExpression('0 9 1 * MON')).toThrow(/only one/);
    expect(() => toSchedulerExpression('0 9 * *')).toThrow(/five fields/);
    expect(() => toSchedulerExpression('0 9 * * 8')).toThrow(/0-7/);
  });
});

describe('scheduleEvents', () => {
  const runbook = (name: string, schedule: unknown[]) => ({ file: `${name}.yaml`, name, spec: { schedule } });

  it('makes one scheduler event per schedule entry, so adding an entry adds a schedule', () => {
    const one = scheduleEvents(
      [
        runbook('app-tier', [
          { mode: 'drill', cron: '0 9 * * MON', timezone: 'Europe/London', channel: 'C1' },
        ]),
      ],
      'prod',
    );
    const two = scheduleEvents(
      [
        runbook('app-tier', [
          { mode: 'drill', cron: '0 9 * * MON', timezone: 'Europe/London', channel: 'C1' },
          { mode: 'drill', cron: '0 14 * * THU', timezone: 'America/New_York', channel: 'C2', auto: false },
        ]),
      ],
      'prod',
    );
    expect(one).toHaveLength(1);
    expect(two).toHaveLength(2);
    expect(two[1]?.schedule).toMatchObject({
      method: 'scheduler',
      name: 'drbot-prod-app-tier-1',
      rate: ['cron(0 14 ? * THU *)'],
      timezone: 'America/New_York',
      input: {
        source: 'drbot.schedule',
        runbook: 'app-tier',
        index: 1,
        mode: 'drill',
        channel: 'C2',
        auto: false,
      },
      roleArn: { 'Fn::GetAtt': ['SchedulerInvokeRole', 'Arn'] },
    });
  });

  it('names schedules within EventBridge limits', () => {
    expect(scheduleName('prod', 'a'.repeat(80), 3)).toHaveLength(64);
    expect(scheduleName('feature/x', 'app-tier', 0)).toBe('drbot-feature-x-app-tier-0');
  });

  it('fails packaging with the file name when an entry lacks its timezone', () => {
    expect(() =>
      scheduleEvents([runbook('bad', [{ mode: 'drill', cron: '0 9 * * MON', channel: 'C' }])], 'prod'),
    ).toThrow(/bad\.yaml: schedule\[0\] needs a cron and a timezone/);
  });
});
