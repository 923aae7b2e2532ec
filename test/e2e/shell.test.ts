import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The sim 200× faster than real latencies (the shell's default is 10×), so drills take seconds. */
const FAST = ['--latency-scale', '0.005'];
/** The tests' own runbooks and sim world, not the shipped runbooks/ (which users edit). */
const DIR = ['--dir', 'test/fixtures/ux'];

/** Pipes a script into `node bin/drbot.mjs shell` and returns everything it printed. */
function shell(script: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/drbot.mjs', 'shell', ...DIR, ...args], {
      cwd: join(import.meta.dirname, '../..'),
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
    child.stdin.end(script);
  });
}

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'drbot-shell-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('drbot shell (piped script)', () => {
  it('runs a drill to completion with a measured RTO and shows it in status', {
    timeout: 120_000,
  }, async () => {
    const { code, out } = await shell('/dr drill web-tier\nwait\n/dr status\n', [
      '--data-dir',
      join(dataDir, 'a'),
      ...FAST,
    ]);
    expect(code).toBe(0);
    expect(out).toContain('Try first:');
    expect(out).toMatch(/started the drill of web-tier as run [0-9A-Z]+/);
    const status = out.slice(out.lastIndexOf('alice> /dr status'));
    expect(status).toContain('Drill · web-tier · by alice · SUCCEEDED');
    expect(status).toMatch(/RTO [0-9hms]+ \(objective 15m\) ✅/);
    expect(status).toContain('Cleanup: done');
  });

  it('keeps a run across quitting: the next shell resumes it and status shows it finishing', {
    timeout: 180_000,
  }, async () => {
    const dir = join(dataDir, 'b');
    // Polls stay at least 250 ms apart, so the drill (5 steps and cleanup) is still running when
    // the first shell quits half a second in.
    const first = await shell('/dr drill web-tier\nwait 0.5\n/quit\n', [
      '--data-dir',
      dir,
      '--latency-scale',
      '0.02',
    ]);
    expect(first.code).toBe(0);
    const runId = /as run ([0-9A-Z]+)/.exec(first.out)?.[1];
    expect(runId).toBeDefined();
    expect(first.out).toContain('not finished: start `drbot shell` again');

    const second = await shell(`/dr status ${runId}\nwait\n/dr status ${runId}\n`, [
      '--data-dir',
      dir,
      '--as',
      'bob',
      ...FAST,
    ]);
    expect(second.code).toBe(0);
    expect(second.out).toContain(`resuming 1 run left in flight: drill of web-tier (${runId})`);
    const last = second.out.slice(second.out.lastIndexOf(`bob> /dr status ${runId}`));
    expect(last).toContain('SUCCEEDED');
    expect(last).toMatch(/RTO [0-9hms]+ \(objective 15m\) ✅/);
  });
});

describe('drbot shell (two-person rule alone, with /as)', () => {
  it('refuses the initiator, counts an approver once, and opens the gate on the second approver', {
    timeout: 120_000,
  }, async () => {
    const script = [
      'failover web-tier',
      'wait',
      'approve last',
      '/as bob',
      'approve last',
      'approve last',
      '/as carol',
      'approve last',
      'wait',
      'status last',
    ].join('\n');
    const result = await shell(`${script}\n`, ['--memory', ...FAST]);
    expect(result.code).toBe(0);
    // Progress lines ("   [db-tier …] failover running …") interleave with replies; drop them.
    const out = result.out
      .split('\n')
      .filter((line) => !line.startsWith('   ['))
      .join('\n');
    // every reply names its run: runbook and short id
    const tag = /\[web-tier [0-9A-Z]{6}\]/.source;
    expect(out).toMatch(new RegExp(`alice> approve last\n${tag} ✋ You started this run`));
    expect(out).toMatch(new RegExp(`bob> approve last\n${tag} 👍 Your approval counted \\(1 of 2\\)`));
    expect(out).toMatch(new RegExp(`bob> approve last\n${tag} ✋ You already approved`));
    expect(out).toMatch(/carol> approve last\n[^>]*🔓 Your approval opened gate cutover \(2 of 2\)/);
    const status = out.slice(out.lastIndexOf('carol> status last'));
    expect(status).toMatch(/Failover \(CUTOVER\) · web-tier · by alice/);
    expect(status).not.toContain('approval waiting: Two SREs');
  });
});
