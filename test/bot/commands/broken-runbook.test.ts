import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../../bot/commands/execute.js';
import { parseCommand } from '../../../bot/commands/grammar.js';
import { replyText } from '../../../bot/render/text.js';
import { brokenRunbookLines } from '../../../bot/runbooks/broken.js';
import { createLocalRuntime, type LocalRuntime } from '../../../bot/runtime/local.js';
import type { BotServices } from '../../../bot/services.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
let dir: string;
let rt: LocalRuntime;
let services: BotServices;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drbot-broken-'));
  cpSync(join(FIXTURES, 'ux'), dir, { recursive: true });
  // a runbook whose steps need each other in a circle: it exists but cannot load
  cpSync(join(FIXTURES, 'runbooks/invalid/cycle.yaml'), join(dir, 'cycle-tier.yaml'));
  rt = await createLocalRuntime({ inMemory: true, agent: false, runbooksDir: dir });
  services = {
    engine: rt.engine,
    store: rt.store,
    runbooks: () => rt.runbooks,
    runbookIssues: () => rt.runbookIssues,
    directory: rt.directory,
    clock: rt.clock,
    driver: { kick: () => undefined },
  };
});

afterAll(async () => {
  await rt?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a runbook that does not load', () => {
  it('is reported as broken, with its lint errors, not as unknown', async () => {
    const parsed = parseCommand('drill cycle-tier', 'shell');
    if (!parsed.ok) throw new Error(parsed.error.problem);
    const { reply } = await executeCommand(services, parsed.command, { user: 'alice', surface: 'shell' });
    const text = replyText(reply).join('\n');
    expect(text).toContain('Runbook "cycle-tier" exists');
    expect(text).toContain('but does not load');
    expect(text).toMatch(/cycle-tier\.yaml:\d+:\d+ error STEP_CYCLE|cycle-tier\.yaml:\d+:\d+ error \w+/);
    expect(text).toContain('drbot lint');
    expect(text).not.toContain('There is no runbook');
  });

  it('is listed at shell start with file:line:col, never as raw JSON', () => {
    const lines = brokenRunbookLines(rt.runbookIssues).join('\n');
    expect(lines).toContain('cycle-tier.yaml exists but does not load');
    expect(lines).toMatch(/cycle-tier\.yaml:\d+:\d+ error/);
    expect(lines).not.toContain('{"file"');
  });
});
