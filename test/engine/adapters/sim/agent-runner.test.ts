import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { healthParameters, readMarkParameters } from '../../../../agent/commands.js';
import { parseAgentOutput } from '../../../../agent/output.js';
import { createScriptAgentRunner, SIM_HEALTH_FILE } from '../../../../engine/adapters/sim/agent-runner.js';
import type { AgentInvocation } from '../../../../engine/adapters/sim/types.js';

let root: string;
const runner = createScriptAgentRunner();
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0) + 999;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'drbot-sim-agent-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function invocation(document: string, parameters: Record<string, string[]> = {}, now = NOW): AgentInvocation {
  return { instanceId: 'i-0sim1', instanceDir: join(root, 'i-0sim1'), document, parameters, now };
}

describe('createScriptAgentRunner', () => {
  it('runs DrbotMark in the sandbox at sim time: the marker lands in <instanceDir>/data', async () => {
    mkdirSync(join(root, 'i-0sim1'));
    const out = await runner(invocation('DrbotMark'));
    expect(out.exitCode).toBe(0);
    const marker = JSON.parse(readFileSync(join(root, 'i-0sim1/data/.drbot-rpo-marker.json'), 'utf8'));
    expect(marker).toMatchObject({ time: Math.floor(NOW / 1000), instanceId: 'i-0sim1', seq: 1 });
  });

  it('accepts a sandbox given as a relative path (a relative data dir such as .drbot)', async () => {
    const dir = relative(process.cwd(), join(root, 'i-0sim1'));
    const out = await runner({ ...invocation('DrbotMark'), instanceDir: dir });
    expect(out.exitCode).toBe(0);
    // The marker must land in the sandbox itself: snapshots copy that directory.
    const marker = JSON.parse(readFileSync(join(root, 'i-0sim1/data/.drbot-rpo-marker.json'), 'utf8'));
    expect(marker).toMatchObject({ instanceId: 'i-0sim1' });
  });

  it('reads back the newest marker with DrbotReadMark', async () => {
    mkdirSync(join(root, 'i-0sim1'));
    await runner(invocation('DrbotMark', {}, NOW));
    await runner(invocation('DrbotMark', {}, NOW + 60_000));
    const out = await runner(invocation('DrbotReadMark', readMarkParameters({})));
    const result = parseAgentOutput('read-mark', out.stdout);
    expect(result.ok && 'marker' in result && result.marker?.seq).toBe(2);
  });

  it('answers DrbotHealth from sim-health, never the network', async () => {
    const dir = join(root, 'i-0sim1');
    const params = healthParameters({ http: ['http://localhost/healthz'] });
    const up = await runner(invocation('DrbotHealth', params));
    expect(up.exitCode).toBe(0);
    mkdirSync(join(dir, 'etc/drbot'), { recursive: true });
    writeFileSync(join(dir, SIM_HEALTH_FILE), 'http * down\n');
    const down = await runner(invocation('DrbotHealth', params));
    expect(down.exitCode).toBe(1);
    expect(parseAgentOutput('health', down.stdout).ok).toBe(false);
  });

  it('freezes and thaws without fsfreeze, and installs into the sandbox', async () => {
    const dir = join(root, 'i-0sim1');
    const install = await runner(invocation('DrbotInstallAgent'));
    expect(install.exitCode).toBe(0);
    expect(existsSync(join(dir, 'usr/local/bin/drbot-agent'))).toBe(true);
    const freeze = await runner(invocation('DrbotFreeze', { maxSeconds: ['60'] }));
    expect(parseAgentOutput('freeze', freeze.stdout)).toMatchObject({ ok: true, frozen: ['/data'] });
    const thaw = await runner(invocation('DrbotThaw'));
    expect(parseAgentOutput('thaw', thaw.stdout)).toMatchObject({
      ok: true,
      thawed: ['/data'],
      watchdog: 'stopped',
    });
  });

  it('reports an unknown document or a bad parameter as a failed invocation (exit 2)', async () => {
    expect((await runner(invocation('DrbotNope'))).exitCode).toBe(2);
    const bad = await runner(invocation('DrbotMark', { dirs: ['/a"b'] }));
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('DrbotMark parameter dirs');
  });
});
