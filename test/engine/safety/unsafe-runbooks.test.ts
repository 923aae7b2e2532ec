/**
 * Issue 13's table, one fixture per row (test/fixtures/runbooks/unsafe/): lint rejects each with
 * its named rule (`# expect: CODE path`), and the same runbook forced past lint is refused at run
 * time (`# runtime: SAFETY_REFUSED <step key>`, or `START <code>` when nothing may start) with
 * not one call reaching the simulated cloud.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunbook } from '../../../engine/runbook/index.js';
import type { Mode } from '../../../engine/runbook/types.js';
import { forced, simEngine } from './support.js';

const DIR = 'test/fixtures/runbooks/unsafe';
const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function header(text: string, key: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`# ${key}: `))
    .map((l) => l.slice(key.length + 4).trim());
}

const read = (name: string) => readFileSync(join(DIR, name), 'utf8');

describe('lint refuses every unsafe runbook of the table', () => {
  it('has one fixture per row (11), each naming its rule and its run-time outcome', () => {
    expect(fixtures).toHaveLength(11);
    for (const name of fixtures) {
      expect(header(read(name), 'expect').length, name).toBeGreaterThan(0);
      expect(header(read(name), 'runtime'), name).toHaveLength(1);
    }
  });

  it.each(fixtures)('%s: lint reports exactly its rule, at file:line:col with a hint', (name) => {
    const file = join(DIR, name);
    const text = read(name);
    const result = checkRunbook(text, file);
    expect(result.runbook).toBeUndefined();
    const errors = result.issues.filter((i) => i.severity === 'error');
    expect(errors.map((i) => `${i.code} ${i.path}`).sort()).toEqual(header(text, 'expect').sort());
    for (const issue of errors) {
      expect(issue.file).toBe(file);
      expect(issue.line).toBeGreaterThan(1);
      expect(issue.col).toBeGreaterThan(1);
      expect(issue.hint?.length ?? 0).toBeGreaterThan(10);
    }
  });

  it('names the step, the effect and the rule', () => {
    const error = (name: string) =>
      checkRunbook(read(name), 'x.yaml').issues.find((i) => i.severity === 'error');
    const drill = error('03-drill-shutdown-protected.yaml');
    expect(drill?.message).toContain('step "shutdown"');
    expect(drill?.message).toContain('effect "data on protected" (a command run on instances)');
    expect(drill?.message).toContain('[drill rule]');
    const failover = error('01-failover-compensate-terminates-protected.yaml');
    expect(failover?.message).toContain('the compensation of step "announce"');
    expect(failover?.message).toContain('effect "destroy on protected" (the protected instances)');
    expect(failover?.message).toContain('[two-person rule]');
  });
});

describe('the executor refuses the same runbooks forced past lint, before any cloud call', () => {
  it.each(fixtures)('%s', async (name) => {
    const text = read(name);
    const [kind, key] = (header(text, 'runtime')[0] ?? '').split(' ');
    const runbook = forced(text, join(DIR, name));
    const mode: Mode = runbook.spec.modes.drill ? 'drill' : 'failover';
    const params = Object.fromEntries(
      (header(text, 'params')[0] ?? '')
        .split(' ')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    const sim = simEngine();
    if (kind === 'START') {
      await expect(sim.engine.startRun({ runbook, mode, initiator: 'alice', params })).rejects.toMatchObject({
        code: key,
      });
      expect(sim.counter.names).toEqual([]);
      return;
    }
    const started = await sim.engine.startRun({ runbook, mode, initiator: 'alice', params });
    let result = await sim.driver.runUntilSettled(started.id);
    const approvers = (header(text, 'approve')[0] ?? '').split(' ').filter(Boolean);
    if (approvers.length > 0) {
      for (const user of approvers) {
        const answer = await sim.engine.approve(started.id, 'approve', user);
        expect(answer.counted, `${user}: ${answer.explanation}`).toBe(true);
      }
      result = await sim.driver.runUntilSettled(started.id);
    }
    const step = result.run.steps[key as string];
    expect(step?.status, JSON.stringify(result.run.steps)).toBe('failed');
    expect(step?.error?.code).toBe('SAFETY_REFUSED');
    expect(result.run.status).toBe('failed');
    expect(sim.counter.names).toEqual([]);
  });
});

describe('the same executor lets a safe call through (so the refusals above are the rule, not a broken sim)', () => {
  it('a drill switching the declared drill record reaches the cloud', async () => {
    const text = read('04-drill-switches-production-dns.yaml').replace(
      'with: { record: app.shop.internal, target: 10.9.9.9 }',
      'with: { target: 10.9.9.9 }',
    );
    expect(checkRunbook(text, 'safe.yaml').issues.filter((i) => i.severity === 'error')).toEqual([]);
    const sim = simEngine();
    const started = await sim.engine.startRun({
      runbook: forced(text, 'safe.yaml'),
      mode: 'drill',
      initiator: 'alice',
    });
    const { run } = await sim.driver.runUntilSettled(started.id);
    expect(run.steps.dns?.error?.code).not.toBe('SAFETY_REFUSED');
    expect(sim.counter.names).toContain('switchDns');
  });
  it('a CUTOVER behind a two-person gate that excludes the initiator reaches the cloud', async () => {
    const text = read('09-failover-gate-includes-initiator.yaml').replace(
      'excludeInitiator: false',
      'excludeInitiator: true',
    );
    expect(checkRunbook(text, 'safe.yaml').issues.filter((i) => i.severity === 'error')).toEqual([]);
    const sim = simEngine();
    const runbook = forced(text, 'safe.yaml');
    const started = await sim.engine.startRun({ runbook, mode: 'failover', initiator: 'alice' });
    await sim.driver.runUntilSettled(started.id);
    for (const user of ['bob', 'carol']) await sim.engine.approve(started.id, 'approve', user);
    const { run } = await sim.driver.runUntilSettled(started.id);
    expect(run.steps.launch?.error?.code).not.toBe('SAFETY_REFUSED');
    expect(sim.counter.names.length).toBeGreaterThan(0);
  });
});
