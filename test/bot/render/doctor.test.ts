import { describe, expect, it } from 'vitest';
import { blockKitViolations } from '../../../bot/render/blocks.js';
import { doctorMessage } from '../../../bot/render/slack-doctor.js';
import { replyMessage } from '../../../bot/render/slack-replies.js';
import { replyText } from '../../../bot/render/text.js';
import { type DoctorReport, type Finding, formatDoctorReport } from '../../../engine/network/doctor.js';

function finding(i: number, severity: Finding['severity'], long = false): Finding {
  return {
    code: severity === 'blocker' ? 'NO_INSTANCE_PROFILE' : 'INSTANCE_TYPE_UNAVAILABLE',
    severity,
    subject: `i-${String(i).padStart(17, '0')}`,
    message: `instance ${i} <has> a problem${long ? ` ${'x'.repeat(5000)}` : ''}`,
    remedy: `fix instance ${i}`,
  };
}

function report(findings: Finding[]): DoctorReport {
  return { runbook: 'app-tier', findings, blocking: findings.some((f) => f.severity === 'blocker') };
}

describe('doctorMessage (Slack)', () => {
  it('puts the verdict first, blockers before warnings, each with its remedy', () => {
    const message = doctorMessage(report([finding(1, 'warning'), finding(2, 'blocker')]));
    expect(blockKitViolations(message.blocks)).toEqual([]);
    expect(message.text).toBe('Doctor · app-tier: 1 blocker and 1 warning');
    const texts = message.blocks.map((b) => JSON.stringify(b));
    expect(texts[1]).toContain('❌ 1 blocker and 1 warning: a drill or failover of *app-tier* would fail');
    const body = texts.slice(2).join('\n');
    expect(body.indexOf('NO_INSTANCE_PROFILE')).toBeLessThan(body.indexOf('INSTANCE_TYPE_UNAVAILABLE'));
    expect(body).toContain('*Remedy:* fix instance 2');
    // Engine text is escaped for mrkdwn.
    expect(body).toContain('&lt;has&gt;');
    expect(texts.at(-1)).toContain('A check only: nothing was started.');
  });

  it('says a runbook with no findings is ready, and a warnings-only one has no blockers', () => {
    expect(JSON.stringify(doctorMessage(report([])).blocks)).toContain('*app-tier* is ready');
    expect(JSON.stringify(doctorMessage(report([finding(1, 'warning')])).blocks)).toContain(
      '⚠️ No blockers for *app-tier*; 1 warning worth a look.',
    );
  });

  it('stays within Block Kit limits with 500 long findings, summarising the rest', () => {
    const many = Array.from({ length: 500 }, (_, i) => finding(i, i % 3 ? 'warning' : 'blocker', true));
    const message = doctorMessage(report(many));
    expect(blockKitViolations(message.blocks)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('❌ 167 blockers and 333 warnings');
    expect(text).toMatch(/…and \d+ more findings: `drbot doctor app-tier` lists them all\./);
    expect(replyMessage({ kind: 'doctor', report: report(many) }).blocks).toEqual(message.blocks);
  });
});

describe('doctor reply in the terminal', () => {
  it('prints exactly what `drbot doctor` prints, and says nothing was started', () => {
    const r = report([finding(1, 'blocker'), finding(2, 'warning')]);
    expect(replyText({ kind: 'doctor', report: r })).toEqual([
      ...formatDoctorReport(r).split('\n'),
      '(a check only: nothing was started)',
    ]);
  });
});
