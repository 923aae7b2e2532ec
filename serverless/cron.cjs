'use strict';
/**
 * Runbooks write schedules as five-field Unix cron ("0 9 * * MON", croner runs them locally);
 * EventBridge Scheduler wants six-field `cron(min hour dom month dow year)` where one of
 * day-of-month / day-of-week must be `?` and numeric weekdays count 1=SUN … 7=SAT instead of
 * 0=SUN … 6=SAT. This converts one into the other, and refuses what the two cannot both express.
 */

const NAMES = /^[A-Za-z]{3}$/;

/** Shifts one numeric Unix weekday (0–7, 0 and 7 are Sunday) to AWS's 1–7. */
function awsWeekday(token, cron) {
  if (NAMES.test(token)) return token.toUpperCase();
  if (!/^\d$/.test(token) || Number(token) > 7) {
    throw new Error(`Schedule "${cron}": day-of-week "${token}" is not 0-7 or a name such as MON.`);
  }
  return String((Number(token) % 7) + 1);
}

/** Converts a day-of-week field: lists, ranges and `/step` on a range. */
function convertWeekdays(field, cron) {
  return field
    .split(',')
    .map((part) => {
      const [range, step] = part.split('/');
      const converted =
        range === '*'
          ? '*'
          : range
              .split('-')
              .map((token) => awsWeekday(token, cron))
              .join('-');
      return step === undefined ? converted : `${converted}/${step}`;
    })
    .join(',');
}

/**
 * Converts Unix cron to an EventBridge Scheduler expression.
 * @param {string} cron five fields: minute hour day-of-month month day-of-week
 * @returns {string} e.g. `cron(0 9 ? * MON *)`
 */
function toSchedulerExpression(cron) {
  const fields = String(cron).trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new Error(
      `Schedule "${cron}" must have five fields (minute hour day-of-month month day-of-week), as in "0 9 * * MON".`,
    );
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  const anyDayOfMonth = dayOfMonth === '*' || dayOfMonth === '?';
  const anyDayOfWeek = dayOfWeek === '*' || dayOfWeek === '?';
  if (!anyDayOfMonth && !anyDayOfWeek) {
    throw new Error(
      `Schedule "${cron}" sets both day-of-month and day-of-week; EventBridge Scheduler allows only one. Use "*" for the other.`,
    );
  }
  // Unix cron "* *" means every day; AWS spells it "* ?" (day-of-week unspecified).
  const dom = anyDayOfMonth ? (anyDayOfWeek ? '*' : '?') : dayOfMonth;
  const dow = anyDayOfWeek ? '?' : convertWeekdays(dayOfWeek, cron);
  return `cron(${minute} ${hour} ${dom} ${month} ${dow} *)`;
}

module.exports = { toSchedulerExpression };
