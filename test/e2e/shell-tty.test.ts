/**
 * The shell in a real pseudo-terminal (Python's pty module; node-pty is not installed): what a
 * person sees in the scrollback, at 80 and 200 columns, and what Ctrl-C does during a run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Terminal } from '../bot/support/terminal.js';

const ROOT = join(import.meta.dirname, '../..');
const dirs: string[] = [];

interface Step {
  send?: string;
  expect?: string;
  timeout?: number;
}

function tty(columns: number, steps: Step[], extra: string[] = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'drbot-tty-'));
  dirs.push(dataDir);
  const command = [
    process.execPath,
    'bin/drbot.mjs',
    'shell',
    '--dir',
    'test/fixtures/ux',
    '--data-dir',
    dataDir,
    '--latency-scale',
    '0.005',
    '--no-schedules',
    ...extra,
  ];
  const result = spawnSync(
    'python3',
    [join(import.meta.dirname, 'support/pty-session.py'), String(columns), '--', ...command],
    {
      cwd: ROOT,
      input: JSON.stringify(steps),
      encoding: 'utf8',
      timeout: 170_000,
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  const parsed = JSON.parse(result.stdout) as { output: string; exit: number; failed: Step | null };
  const term = new Terminal(columns);
  term.write(parsed.output);
  return { ...parsed, lines: term.lines(), term };
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('drbot shell in a terminal', () => {
  for (const columns of [80, 200]) {
    it(`keeps typed lines and replies in the scrollback at ${columns} columns`, { timeout: 180_000 }, () => {
      const { lines, failed } = tty(columns, [
        { expect: 'alice> ' },
        { send: 'drill web-tier\r', expect: 'follow it with' },
        { send: 'runs\r', expect: 'run [0-9A-Z]{6}' },
        { send: 'wait\r', expect: 'Run succeeded', timeout: 120 },
        { send: '/quit\r' },
      ]);
      expect(failed).toBeNull();
      const transcript = lines.join('\n');
      expect(transcript).toContain('alice> drill web-tier');
      // the reply (after the run's first thread lines) sits between its typed line and the next
      expect(transcript).toMatch(
        /alice> drill web-tier\n(?:.*\n){0,3}\[web-tier [0-9A-Z]{6}\] 🚀 started the drill[\s\S]*alice> runs/,
      );
      expect(transcript).toContain('alice> runs');
      expect(transcript).toContain('alice> wait');
      // the finished run's summary is in the scrollback, and no stale live block is left behind
      expect(lines.filter((l) => /^┌ .*RUNNING/.test(l))).toEqual([]);
    });
  }

  it('asks before Ctrl-C quits during a run, and says the run resumes next time', {
    timeout: 180_000,
  }, () => {
    const { output, failed } = tty(100, [
      { expect: 'alice> ' },
      { send: 'drill web-tier\r', expect: 'follow it with' },
      { send: '\u0003', expect: 'Quit now\\?' },
      { send: '\r', expect: 'Staying' },
      { send: '\u0003', expect: 'Quit now\\?' },
      { send: 'y\r', expect: 'not finished', timeout: 30 },
    ]);
    expect(failed).toBeNull();
    expect(output).toContain('Quitting does not stop it');
    expect(output).toContain('resumes when you start `drbot shell` again');
  });
});
