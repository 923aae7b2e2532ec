/**
 * The CLI beside an open shell: the embedded store allows one process per data directory, so a
 * second command must say so cleanly and point at something runnable, and the shell itself
 * offers the commands whose remedies drbot prints (`protect`, `network replicate`, `blueprint`),
 * also typed as the remedy reads (`drbot network replicate web-tier`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'drbot-beside-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a second drbot beside the shell', () => {
  it('prints a clean error with runnable remedies when the data directory is held', async () => {
    // hold the lock the way an open shell does: LevelDB open on <data-dir>/dynamo
    const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
    const { Level } = fromDynalite('level') as {
      Level: new (p: string) => { open(): Promise<void>; close(): Promise<void> };
    };
    mkdirSync(join(dir, 'held', 'dynamo'), { recursive: true });
    const db = new Level(join(dir, 'held', 'dynamo'));
    await db.open();
    try {
      const result = spawnSync(
        process.execPath,
        [
          'bin/drbot.mjs',
          'protect',
          'web-tier',
          '--dir',
          'test/fixtures/ux',
          '--data-dir',
          join(dir, 'held'),
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('is in use by another drbot process');
      expect(result.stderr).toContain('Type the command in the open `drbot shell`');
      expect(result.stderr).not.toMatch(/^\s+at /m);
    } finally {
      await db.close();
    }
  }, 90_000);

  it('the shell offers protect itself', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          'bin/drbot.mjs',
          'shell',
          '--dir',
          'test/fixtures/ux',
          '--memory',
          '--latency-scale',
          '0.005',
          '--no-schedules',
        ],
        { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
      );
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
      });
      child.on('error', reject);
      child.on('close', () => resolve(text));
      child.stdin.end('protect web-tier\n');
    });
    expect(out).toContain('protection pass of web-tier');
    expect(out).toMatch(/i-0a11web00000001 .* \(\d+s old\)|i-0a11web00000001 .*old/);
  }, 90_000);

  it('the shell offers network replicate and blueprint, also typed as a printed remedy reads', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          'bin/drbot.mjs',
          'shell',
          '--dir',
          'test/fixtures/ux',
          '--memory',
          '--latency-scale',
          '0.005',
          '--no-schedules',
        ],
        { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
      );
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        text += d.toString();
      });
      child.on('error', reject);
      child.on('close', () => resolve(text));
      child.stdin.end(
        'drbot network replicate web-tier\nblueprint web-tier --write\nnetwork replicate\nhelp\n',
      );
    });
    expect(out).toContain('network of web-tier replicated to us-west-2');
    expect(out).toMatch(/subnet +subnet-\S+ → subnet-\S+/);
    expect(out).toMatch(/created \d+, reused \d+/);
    expect(out).toContain('launch blueprints of web-tier (drill), stored');
    expect(out).toMatch(/ {2}subnet {6}subnet-/);
    expect(out).toContain('usage: network replicate <runbook>');
    expect(out).toContain('network replicate <runbook> [--cidr-remap FROM=TO]');
    expect(out).not.toContain('Unknown command');
  }, 90_000);
});
