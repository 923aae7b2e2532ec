import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkRunbook, loadRunbook } from '../../../engine/runbook/load.js';

const text = readFileSync('test/fixtures/ux/web-tier.yaml', 'utf8');
const withCapture = (value: string) =>
  text.replace(/^ {2}protect:\n/m, `  protect:\n    capture: ${value}\n`);

describe('spec.protect.capture', () => {
  it('chooses AMIs or EBS snapshot sets', () => {
    expect(withCapture('snapshots')).not.toBe(text);
    expect(loadRunbook(withCapture('snapshots'), 'web-tier.yaml').spec.protect.capture).toBe('snapshots');
    expect(loadRunbook(withCapture('ami'), 'web-tier.yaml').spec.protect.capture).toBe('ami');
  });

  it('refuses any other capture kind with its path', () => {
    const { issues } = checkRunbook(withCapture('disks'), 'web-tier.yaml');
    expect(issues.some((i) => i.severity === 'error' && /capture/.test(`${i.path ?? ''} ${i.message}`))).toBe(
      true,
    );
  });
});
