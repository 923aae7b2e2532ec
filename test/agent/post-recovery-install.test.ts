import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAgentOutput } from '../../agent/output.js';
import { runAgent, sandbox, writeScript } from './helpers.js';

let box: ReturnType<typeof sandbox>;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

describe('drbot-agent post-recovery', () => {
  it('writes recovered.env atomically and runs the hooks with the variables', async () => {
    const log = join(box.root, 'hook.log');
    writeScript(
      join(box.root, 'etc/drbot/hooks/post-recovery.d/10-app'),
      `printf '%s|%s|%s\\n' "$DB_HOST" "$NOTE" "$DRBOT_RECOVERED_ENV" >> ${log}`,
    );
    const run = await runAgent(
      ['post-recovery', '--env', 'DB_HOST=10.1.2.3', '--env', `NOTE=it's "quoted" $HOME`],
      box,
    );
    expect(run.code).toBe(0);
    const result = parseAgentOutput('post-recovery', run.stdout);
    expect(result).toMatchObject({
      ok: true,
      keys: ['DB_HOST', 'NOTE'],
      envFile: '/etc/drbot/recovered.env',
    });
    const envFile = join(box.root, 'etc/drbot/recovered.env');
    expect(readFileSync(log, 'utf8')).toBe(`10.1.2.3|it's "quoted" $HOME|${envFile}\n`);
    // the file is sh-sourceable and round-trips the values
    const sourced = execFileSync('sh', ['-c', `. "${envFile}"; printf '%s|%s' "$DB_HOST" "$NOTE"`], {
      encoding: 'utf8',
    });
    expect(sourced).toBe(`10.1.2.3|it's "quoted" $HOME`);
    expect(readdirSync(join(box.root, 'etc/drbot')).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('exits 1 naming the failed hook, with recovered.env still written', async () => {
    writeScript(join(box.root, 'etc/drbot/hooks/post-recovery.d/10-broken'), 'exit 7');
    const run = await runAgent(['post-recovery', '--env', 'A=b'], box);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({
      ok: false,
      hooks: [{ hook: '10-broken', exitCode: 7 }],
      error: { code: 'hook-failed' },
    });
    expect(existsSync(join(box.root, 'etc/drbot/recovered.env'))).toBe(true);
  });
});

describe('drbot-agent install', () => {
  it('installs itself, the hook dirs, the dirs config and a systemd timer inside DRBOT_ROOT', async () => {
    const run = await runAgent(['install', '--dir', '/data', '--scheduler', 'systemd'], box);
    expect(run.code).toBe(0);
    expect(parseAgentOutput('install', run.stdout)).toMatchObject({
      ok: true,
      scheduler: 'systemd',
      activated: false,
      dirs: ['/data'],
    });
    const bin = join(box.root, 'usr/local/bin/drbot-agent');
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    for (const d of ['pre-snapshot.d', 'post-snapshot.d', 'post-recovery.d'])
      expect(existsSync(join(box.root, 'etc/drbot/hooks', d))).toBe(true);
    expect(readFileSync(join(box.root, 'etc/drbot/dirs'), 'utf8')).toBe('/data\n');
    expect(readFileSync(join(box.root, 'etc/systemd/system/drbot-mark.timer'), 'utf8')).toContain(
      'OnCalendar=*-*-* *:*:00',
    );
    expect(readFileSync(join(box.root, 'etc/systemd/system/drbot-mark.service'), 'utf8')).toContain(
      'ExecStart=/usr/local/bin/drbot-agent mark',
    );
    // mark now defaults to the configured dir
    mkdirSync(join(box.root, 'data'));
    const mark = await runAgent(['mark'], box);
    expect(mark.code).toBe(0);
    expect(existsSync(join(box.root, 'data/.drbot-rpo-marker.json'))).toBe(true);
  });

  it('falls back to cron when systemd is absent (auto) and is idempotent', async () => {
    await runAgent(['install'], box);
    const again = await runAgent(['install'], box);
    expect(again.code).toBe(0);
    expect(again.json).toMatchObject({ scheduler: 'cron', dirs: ['/'] });
    expect(readFileSync(join(box.root, 'etc/cron.d/drbot-mark'), 'utf8')).toBe(
      '* * * * * root /usr/local/bin/drbot-agent mark >/dev/null 2>&1\n',
    );
  });
});
