import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAgentOutput } from '../../agent/output.js';
import { runAgent, sandbox, writeScript } from './helpers.js';

// SAFETY: every test puts a fake fsfreeze (and mountpoint) first on PATH. A real fsfreeze on a
// sandbox directory would freeze the host file system that holds it.
let box: ReturnType<typeof sandbox>;
let fakes: string;

function fakeTools(options: { failFreezeOf?: string; notMountPoint?: boolean } = {}) {
  fakes = join(box.root, '.fakes');
  const fail = options.failFreezeOf
    ? `case "$2" in *${options.failFreezeOf}) [ "$1" = -f ] && { echo "fsfreeze: $2: Operation not supported" >&2; exit 1; } ;; esac`
    : '';
  writeScript(join(fakes, 'fsfreeze'), `echo "$1 $2" >> "${box.root}/fsfreeze.log"\n${fail}`);
  writeScript(join(fakes, 'mountpoint'), options.notMountPoint ? 'exit 1' : 'exit 0');
}

function hook(phase: string, name: string, body: string) {
  writeScript(join(box.root, 'etc/drbot/hooks', `${phase}.d`, name), body);
}

function calls(): string[] {
  const log = join(box.root, 'fsfreeze.log');
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.replace(box.root, ''));
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeEach(() => {
  box = sandbox();
  for (const dir of ['data', 'logs']) mkdirSync(join(box.root, dir));
  fakeTools();
});
afterEach(() => box.cleanup());

const opts = () => ({ ...box, prependPath: fakes });

describe('drbot-agent freeze / thaw', () => {
  it('runs pre-snapshot hooks in lexical order, then freezes each dir', async () => {
    const order = join(box.root, 'order.log');
    hook('pre-snapshot', '20-second', `echo "20 $DRBOT_HOOK $DRBOT_DIRS" >> ${order}`);
    hook('pre-snapshot', '10-first', `echo "10 $DRBOT_HOOK" >> ${order}; echo stdout-noise`);
    const run = await runAgent(['freeze', '--dir', '/data', '--dir', '/logs', '--max', '30'], opts());
    expect(run.code).toBe(0);
    const result = parseAgentOutput('freeze', run.stdout);
    expect(result).toMatchObject({
      ok: true,
      frozen: ['/data', '/logs'],
      maxSeconds: 30,
      thawBy: 1700000030,
    });
    expect(readFileSync(order, 'utf8')).toBe('10 pre-snapshot\n20 pre-snapshot /data /logs\n');
    expect(run.stderr).toContain('stdout-noise');
    expect(calls()).toEqual(['-f /data', '-f /logs']);
    const thaw = await runAgent(['thaw'], opts());
    expect(thaw.code).toBe(0);
    expect(thaw.json).toMatchObject({ ok: true, thawed: ['/logs', '/data'], watchdog: 'stopped' });
    expect(calls()).toEqual(['-f /data', '-f /logs', '-u /logs', '-u /data']);
  });

  it('the watchdog thaws after --max even when thaw never comes', async () => {
    hook('post-snapshot', '10-resume', `echo resumed >> ${box.root}/post.log`);
    const run = await runAgent(['freeze', '--dir', '/data', '--max', '1'], opts());
    expect(run.code).toBe(0);
    expect(run.json.watchdogPid).toEqual(expect.any(Number));
    // the watchdog logs last, after the thaw, the post hooks and clearing the state
    const log = join(box.root, 'var/lib/drbot/watchdog.log');
    await until(() => existsSync(log) && readFileSync(log, 'utf8').includes('\n'));
    expect(calls()).toEqual(['-f /data', '-u /data']);
    expect(readFileSync(join(box.root, 'post.log'), 'utf8')).toBe('resumed\n');
    expect(existsSync(join(box.root, 'var/lib/drbot/freeze'))).toBe(false);
    expect(readFileSync(join(box.root, 'var/lib/drbot/watchdog.log'), 'utf8')).toContain(
      'watchdog thawed /data',
    );
    // a late thaw is harmless
    const late = await runAgent(['thaw'], opts());
    expect(late.json).toMatchObject({ ok: true, thawed: [], watchdog: 'none' });
  });

  it('thaw stops the watchdog, and a stale watchdog never thaws a later freeze', async () => {
    await runAgent(['freeze', '--dir', '/data', '--max', '1'], opts());
    const thaw = await runAgent(['thaw'], opts());
    expect(thaw.json).toMatchObject({ ok: true, watchdog: 'stopped' });
    await runAgent(['freeze', '--dir', '/logs', '--max', '30'], opts());
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(calls()).toEqual(['-f /data', '-u /data', '-f /logs']);
    await runAgent(['thaw'], opts());
  });

  it('refuses a second freeze while one is in progress', async () => {
    await runAgent(['freeze', '--dir', '/data', '--max', '30'], opts());
    const second = await runAgent(['freeze', '--dir', '/logs'], opts());
    expect(second.code).toBe(1);
    expect(second.json).toMatchObject({ ok: false, error: { code: 'already-frozen' } });
    await runAgent(['thaw'], opts());
  });

  it('a failing pre hook aborts: nothing frozen, post hooks run, state cleared', async () => {
    hook('pre-snapshot', '10-ok', 'true');
    hook('pre-snapshot', '20-fail', 'exit 4');
    hook('pre-snapshot', '30-never', `touch ${box.root}/never`);
    hook('post-snapshot', '10-resume', `touch ${box.root}/resumed`);
    const run = await runAgent(['freeze', '--dir', '/data'], opts());
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({
      ok: false,
      hooks: [
        { hook: '10-ok', exitCode: 0 },
        { hook: '20-fail', exitCode: 4 },
      ],
      error: { code: 'hook-failed' },
    });
    expect(calls()).toEqual([]);
    expect(existsSync(join(box.root, 'never'))).toBe(false);
    expect(existsSync(join(box.root, 'resumed'))).toBe(true);
    expect(existsSync(join(box.root, 'var/lib/drbot/freeze'))).toBe(false);
  });

  it('an fsfreeze failure thaws the dirs already frozen', async () => {
    fakeTools({ failFreezeOf: '/logs' });
    const run = await runAgent(['freeze', '--dir', '/data', '--dir', '/logs'], opts());
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: 'fsfreeze-failed' } });
    expect(calls()).toEqual(['-f /data', '-f /logs', '-u /data']);
  });

  it('refuses a dir that is not a mount point (fsfreeze would freeze its parent file system)', async () => {
    fakeTools({ notMountPoint: true });
    const run = await runAgent(['freeze', '--dir', '/data'], opts());
    expect(run.code).toBe(3);
    expect(run.json).toMatchObject({ ok: false, error: { code: 'environment' } });
    expect(calls()).toEqual([]);
  });

  it('never calls fsfreeze under DRBOT_SIM=1', async () => {
    const run = await runAgent(['freeze', '--dir', '/data', '--max', '30'], {
      ...opts(),
      env: { DRBOT_SIM: '1' },
    });
    expect(run.code).toBe(0);
    const thaw = await runAgent(['thaw'], { ...opts(), env: { DRBOT_SIM: '1' } });
    expect(thaw.json).toMatchObject({ ok: true, thawed: ['/data'] });
    expect(calls()).toEqual([]);
  });
});
