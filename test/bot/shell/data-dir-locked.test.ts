import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runShell } from '../../../bot/shell/run-shell.js';

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}

/** dynalite's own LevelDB, as the embedded store opens it: holding it open is what another drbot does. */
function level(location: string): LevelDatabase {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as { Level: new (location: string) => LevelDatabase };
  return new Level(location);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('drbot shell on a data dir another process holds', () => {
  it('prints a clean error with the remedy and exits 1, no stack trace', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'drbot-locked-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const held = level(join(dataDir, 'dynamo'));
    await held.open();
    cleanups.push(() => held.close());

    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const exit = await runShell({ input, output, dataDir, live: false, env: {}, schedules: false });
    input.end();
    expect(exit).toBe(1);
    expect(text).toContain(
      `✖ drbot shell could not start: The data directory ${join(dataDir, 'dynamo')} is in use by another drbot process.`,
    );
    expect(text).toContain(
      'why: The embedded DynamoDB (LevelDB) lets one process at a time open its directory',
    );
    expect(text).toContain('next: Use the drbot shell (or drbot serve) that already has');
    expect(text).toContain('--memory');
    expect(text).not.toMatch(/\n\s+at /);
  });
});
