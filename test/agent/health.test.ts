import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgentOutput } from '../../agent/output.js';
import { restrictedPath, runAgent, sandbox } from './helpers.js';

let server: Server;
let port: number;
/** A port nothing listens on: bound, then closed. */
let closedPort: number;
const box = sandbox();

beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url === '/broken' ? 503 : req.url === '/moved' ? 302 : 200;
    res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  box.cleanup();
});

describe('drbot-agent health', () => {
  it('passes an HTTP check against a loopback server and reports status and latency', async () => {
    const run = await runAgent(
      ['health', '--http', `http://127.0.0.1:${port}/healthz`, '--timeout', '2'],
      box,
    );
    expect(run.code).toBe(0);
    const result = parseAgentOutput('health', run.stdout);
    expect(result.ok).toBe(true);
    if (!('checks' in result)) throw new Error('expected a health result');
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0]).toMatchObject({ kind: 'http', ok: true, detail: 'HTTP 200' });
    expect(result.checks[0]?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.instanceId).toBe('i-0test');
  });

  it('counts a redirect as healthy and a 503 as failed (exit 1)', async () => {
    const run = await runAgent(
      ['health', '--http', `http://127.0.0.1:${port}/moved`, '--http', `http://127.0.0.1:${port}/broken`],
      box,
    );
    expect(run.code).toBe(1);
    expect(run.json.failed).toBe(1);
    const checks = run.json.checks as { ok: boolean; detail: string }[];
    expect(checks.map((c) => [c.ok, c.detail])).toEqual([
      [true, 'HTTP 302'],
      [false, 'HTTP 503'],
    ]);
  });

  it('fails an HTTP check against a closed port with the connection error', async () => {
    const run = await runAgent(
      ['health', '--http', `http://127.0.0.1:${closedPort}/`, '--timeout', '2'],
      box,
    );
    expect(run.code).toBe(1);
    const checks = run.json.checks as { ok: boolean; detail: string }[];
    expect(checks[0]?.ok).toBe(false);
    expect(checks[0]?.detail).toMatch(/connect/i);
  });

  it('checks TCP ports: open passes, closed fails', async () => {
    const run = await runAgent(
      ['health', '--tcp', `127.0.0.1:${port}`, '--tcp', `127.0.0.1:${closedPort}`, '--timeout', '2'],
      box,
    );
    expect(run.code).toBe(1);
    const checks = run.json.checks as { ok: boolean; target: string }[];
    expect(checks.map((c) => c.ok)).toEqual([true, false]);
    expect(checks[1]?.target).toBe(`127.0.0.1:${closedPort}`);
  });

  it('falls back to curl telnet for TCP when neither nc nor bash is installed', async () => {
    const path = restrictedPath(box.root, ['curl']);
    const run = await runAgent(
      ['health', '--tcp', `127.0.0.1:${port}`, '--tcp', `127.0.0.1:${closedPort}`, '--timeout', '1'],
      { ...box, path },
    );
    const checks = run.json.checks as { ok: boolean; detail: string }[];
    expect(checks.map((c) => c.ok)).toEqual([true, false]);
    expect(checks[0]?.detail).toContain('curl');
  });

  it('falls back to wget for HTTP when curl is missing', async () => {
    const path = restrictedPath(join(box.root, 'wget-only'), ['wget']);
    const run = await runAgent(
      ['health', '--http', `http://127.0.0.1:${port}/`, '--http', `http://127.0.0.1:${port}/broken`],
      { ...box, path },
    );
    expect(run.code).toBe(1);
    const checks = run.json.checks as { ok: boolean; detail: string }[];
    expect(checks.map((c) => c.ok)).toEqual([true, false]);
    expect(checks[1]?.detail).toMatch(/^wget exit/);
  });

  it('reports an environment problem (exit 3) when no HTTP client exists', async () => {
    const path = restrictedPath(join(box.root, 'bare'), []);
    const run = await runAgent(['health', '--http', `http://127.0.0.1:${port}/`], { ...box, path });
    expect(run.code).toBe(3);
    expect((run.json.checks as { detail: string }[])[0]?.detail).toContain('install curl');
  });

  it('checks processes by name', async () => {
    const run = await runAgent(['health', '--process', 'node', '--process', 'no-such-process-x'], box);
    expect(run.code).toBe(1);
    const checks = run.json.checks as { ok: boolean; detail: string }[];
    expect(checks[0]).toMatchObject({ ok: true });
    expect(checks[0]?.detail).toMatch(/^running \(pid \d+/);
    expect(checks[1]).toMatchObject({ ok: false, detail: 'not running' });
  });

  it('passes with no checks at all (the agent answers)', async () => {
    const run = await runAgent(['health'], box);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ command: 'health', ok: true, checks: [] });
  });

  it('answers from etc/drbot/sim-health under DRBOT_SIM=1 without touching the network', async () => {
    const sim = sandbox();
    mkdirSync(join(sim.root, 'etc/drbot'), { recursive: true });
    const env = { DRBOT_SIM: '1' };
    const up = await runAgent(['health', '--http', 'http://localhost/healthz', '--tcp', 'db:5432'], {
      ...sim,
      env,
    });
    expect(up.code).toBe(0);
    writeFileSync(
      join(sim.root, 'etc/drbot/sim-health'),
      '# chaos\nhttp http://localhost/* down app not started\n',
    );
    const down = await runAgent(['health', '--http', 'http://localhost/healthz', '--tcp', 'db:5432'], {
      ...sim,
      env,
    });
    expect(down.code).toBe(1);
    expect((down.json.checks as { ok: boolean; detail: string }[]).map((c) => [c.ok, c.detail])).toEqual([
      [false, 'simulated: down (app not started)'],
      [true, 'simulated: up'],
    ]);
    sim.cleanup();
  });
});
