/**
 * `/dr doctor` in Slack: the readiness findings of `drbot doctor` as Block Kit. Blockers come
 * first, each with its remedy; a runbook with hundreds of findings is summarised, never cut off
 * before the verdict, which sits at the top.
 */
import type { KnownBlock } from '@slack/types';
import type { DoctorReport, Finding } from '../../engine/network/doctor.js';
import { replicationReadinessLines } from '../../engine/network/doctor-replication.js';
import { context, fitBlocks, header, LIMITS, linesToSections, section } from './blocks.js';
import { escapeMrkdwn, truncate } from './format.js';
import type { SlackMessage } from './slack-status.js';

/** Sections of findings at most; the header, the verdict and the closing context take the rest. */
const FINDING_SECTIONS = 40;
/** One finding's text: long messages are cut so several findings share a section. */
const FINDING_TEXT = 900;

/** Blockers before warnings, keeping the doctor's order within each. */
export function orderedFindings(report: DoctorReport): Finding[] {
  return [
    ...report.findings.filter((f) => f.severity === 'blocker'),
    ...report.findings.filter((f) => f.severity !== 'blocker'),
  ];
}

/** "2 blockers and 1 warning", "1 warning", "nothing". */
export function findingCounts(report: DoctorReport): string {
  const blockers = report.findings.filter((f) => f.severity === 'blocker').length;
  const warnings = report.findings.length - blockers;
  const parts = [
    ...(blockers > 0 ? [`${blockers} blocker${blockers === 1 ? '' : 's'}`] : []),
    ...(warnings > 0 ? [`${warnings} warning${warnings === 1 ? '' : 's'}`] : []),
  ];
  return parts.length > 0 ? parts.join(' and ') : 'nothing';
}

function verdict(report: DoctorReport): string {
  const name = `*${escapeMrkdwn(report.runbook)}*`;
  if (report.findings.length === 0)
    return `✅ ${name} is ready: nothing would make a drill or failover fail.`;
  if (report.blocking)
    return `❌ ${findingCounts(report)}: a drill or failover of ${name} would fail until the blockers are fixed.`;
  return `⚠️ No blockers for ${name}; ${findingCounts(report)} worth a look.`;
}

function findingText(f: Finding): string {
  const icon = f.severity === 'blocker' ? '❌' : '⚠️';
  return truncate(
    `${icon} *${f.code}* · \`${escapeMrkdwn(f.subject)}\`\n${escapeMrkdwn(f.message)}\n*Remedy:* ${escapeMrkdwn(f.remedy)}`,
    FINDING_TEXT,
  );
}

/** The replication readiness rows of a `method: drs` tier, one line per source server. */
function replicationSections(report: DoctorReport): KnownBlock[] {
  const lines = replicationReadinessLines(report.replication);
  if (lines.length === 0) return [];
  const [title, ...rows] = lines;
  return linesToSections(
    [`*${escapeMrkdwn(title!)}*`, ...rows.map((r) => escapeMrkdwn(r.trim()))],
    10,
    (n) => `…and ${n} more source servers: \`drbot doctor ${report.runbook}\` lists them all.`,
  );
}

export function doctorMessage(report: DoctorReport): SlackMessage {
  const findings = orderedFindings(report);
  const blocks: KnownBlock[] = [header(`Doctor · ${report.runbook}`), section(verdict(report))];
  if (findings.length > 0) {
    blocks.push(
      ...linesToSections(
        findings.map(findingText),
        FINDING_SECTIONS,
        (n) =>
          `…and ${n} more finding${n === 1 ? '' : 's'}: \`drbot doctor ${report.runbook}\` lists them all.`,
      ),
    );
  }
  blocks.push(...replicationSections(report));
  blocks.push(
    context(
      `A check only: nothing was started. \`drbot doctor ${escapeMrkdwn(report.runbook)}\` gives the same in a terminal.`,
    ),
  );
  const summary =
    report.findings.length === 0
      ? `${report.runbook} is ready`
      : `${report.runbook}: ${findingCounts(report)}`;
  return {
    text: truncate(`Doctor · ${summary}`, LIMITS.messageText),
    blocks: fitBlocks(blocks, (n) => `${n} blocks summarised.`),
  };
}
