import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAgentOutput, type RpoMarker } from '../../agent/output.js';
import { runAgent, sandbox } from './helpers.js';

const MARKER = '.drbot-rpo-marker.json';
let box: ReturnType<typeof sandbox>;

beforeEach(() => {
  box = sandbox();
  for (const dir of ['data', 'logs']) mkdirSync(join(box.root, dir));
});
afterEach(() => box.cleanup());

function marker(dir: string): RpoMarker {
  return JSON.parse(readFileSync(join(box.root, dir, MARKER), 'utf8'));
}

describe('drbot-agent mark', () => {
  it('writes the same marker to every dir below DRBOT_ROOT, with DRBOT_NOW as its time', async () => {
    const run = await runAgent(['mark', '--dir', '/data', '--dir', '/logs/'], box);
    expect(run.code).toBe(0);
    const result = parseAgentOutput('mark', run.stdout);
    expect(result.ok).toBe(true);
    expect(marker('data')).toEqual({
      format: 'drbot-rpo-marker/v1',
      time: 1700000000,
      timeIso: '2023-11-14T22:13:20Z',
      seq: 1,
      host: expect.any(String),
      instanceId: 'i-0test',
    });
    expect(marker('logs')).toEqual(marker('data'));
    // atomic write: only the marker is left, no temp file
    expect(readdirSync(join(box.root, 'data'))).toEqual([MARKER]);
  });

  it('increments the sequence number persisted in the state dir', async () => {
    await runAgent(['mark', '--dir', '/data'], box);
    await runAgent(['mark', '--dir', '/data'], box);
    const third = await runAgent(['mark', '--dir', '/data'], box);
    expect((third.json.marker as RpoMarker).seq).toBe(3);
    expect(marker('data').seq).toBe(3);
    expect(readFileSync(join(box.root, 'var/lib/drbot/seq'), 'utf8').trim()).toBe('3');
  });

  it('reports a missing dir (exit 1) and still marks the others', async () => {
    const run = await runAgent(['mark', '--dir', '/data', '--dir', '/nope'], box);
    expect(run.code).toBe(1);
    expect(run.json.dirs).toEqual([
      { dir: '/data', ok: true },
      { dir: '/nope', ok: false, error: 'no such directory' },
    ]);
    expect(existsSync(join(box.root, 'data', MARKER))).toBe(true);
  });

  it('uses the dirs configured in etc/drbot/dirs by default', async () => {
    mkdirSync(join(box.root, 'etc/drbot'), { recursive: true });
    writeFileSync(join(box.root, 'etc/drbot/dirs'), '# protected mounts\n/logs\n');
    const run = await runAgent(['mark'], box);
    expect(run.code).toBe(0);
    expect(existsSync(join(box.root, 'logs', MARKER))).toBe(true);
    expect(existsSync(join(box.root, 'data', MARKER))).toBe(false);
  });

  it('escapes hostile strings in the marker as JSON', async () => {
    const run = await runAgent(['mark', '--dir', '/data'], {
      ...box,
      env: { DRBOT_INSTANCE_ID: 'i-"x"\\\ty' },
    });
    expect(run.code).toBe(0);
    expect(marker('data').instanceId).toBe('i-"x"\\\ty');
  });
});

describe('drbot-agent read-mark', () => {
  it('returns the newest marker among the dirs', async () => {
    await runAgent(['mark', '--dir', '/data'], { ...box, env: { DRBOT_NOW: '1700000000' } });
    await runAgent(['mark', '--dir', '/logs'], { ...box, env: { DRBOT_NOW: '1700000120' } });
    const run = await runAgent(['read-mark', '--dir', '/data', '--dir', '/logs', '--dir', '/nope'], box);
    expect(run.code).toBe(0);
    const result = parseAgentOutput('read-mark', run.stdout);
    if (!('marker' in result)) throw new Error('expected a read-mark result');
    expect(result.marker).toMatchObject({ time: 1700000120, seq: 2 });
    expect(result.dir).toBe('/logs');
    expect(result.dirs.map((d) => d.status)).toEqual(['found', 'found', 'missing']);
  });

  it('breaks a time tie with the sequence number', async () => {
    await runAgent(['mark', '--dir', '/logs'], box);
    await runAgent(['mark', '--dir', '/data'], box);
    const run = await runAgent(['read-mark', '--dir', '/logs', '--dir', '/data'], box);
    expect(run.json.dir).toBe('/data');
  });

  it('skips a corrupt marker and exits 1 when no valid marker is left', async () => {
    writeFileSync(join(box.root, 'data', MARKER), '{"format":"drbot-rpo-marker/v1","time":"soon"}\n');
    const run = await runAgent(['read-mark', '--dir', '/data', '--dir', '/logs'], box);
    expect(run.code).toBe(1);
    const result = parseAgentOutput('read-mark', run.stdout);
    expect(result.ok).toBe(false);
    if (!('dirs' in result)) throw new Error('expected a read-mark result');
    expect(result.marker).toBeNull();
    expect(result.dirs).toEqual([
      { dir: '/data', status: 'invalid' },
      { dir: '/logs', status: 'missing' },
    ]);
    expect(result.error?.code).toBe('no-marker');
  });
});
