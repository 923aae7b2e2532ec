import { describe, expect, it } from 'vitest';
import { AgentOutputError } from '../../agent/errors.js';
import { isAgentFailure, parseAgentOutput } from '../../agent/output.js';

const health = {
  command: 'health',
  ok: false,
  agentVersion: '0.1.0',
  time: 1700000000,
  instanceId: 'i-1',
  failed: 1,
  checks: [{ kind: 'http', target: 'http://localhost/healthz', ok: false, latencyMs: 3, detail: 'HTTP 503' }],
};

describe('parseAgentOutput', () => {
  it('returns the typed result of a well-formed object', () => {
    const result = parseAgentOutput('health', `${JSON.stringify(health)}\n`);
    expect(result).toEqual(health);
  });

  it('ignores noise lines before the JSON object', () => {
    const result = parseAgentOutput('health', `warning: something\n${JSON.stringify(health)}\n`);
    expect(result.ok).toBe(false);
  });

  it('recognises usage, environment and not-installed failures', () => {
    const out = parseAgentOutput(
      'freeze',
      '{"command":"freeze","ok":false,"error":{"code":"not-installed","message":"drbot-agent is not installed"}}',
    );
    expect(isAgentFailure(out)).toBe(true);
    const usage = parseAgentOutput(
      'mark',
      '{"command":"","ok":false,"agentVersion":"0.1.0","error":{"code":"usage","message":"x"}}',
    );
    expect(isAgentFailure(usage) && usage.error.code).toBe('usage');
  });

  it.each([
    ['', /no JSON object/],
    ['sh: 1: drbot-agent: not found', /no JSON object/],
    ['{"command":"health","ok":tru', /invalid JSON/],
    ['[1,2]', /no JSON object/],
    [JSON.stringify({ ...health, command: 'mark' }), /answers command "mark"/],
    [
      JSON.stringify({ ...health, checks: [{ ...health.checks[0], latencyMs: 'fast' }] }),
      /checks\[0\]\.latencyMs: expected number/,
    ],
    [
      JSON.stringify({ ...health, checks: [{ ...health.checks[0], kind: 'udp' }] }),
      /checks\[0\]\.kind: expected one of http, tcp, process/,
    ],
    [JSON.stringify({ ...health, instanceId: undefined }), /instanceId: missing/],
  ])('rejects %j with a clear error', (stdout, message) => {
    expect(() => parseAgentOutput('health', stdout)).toThrow(AgentOutputError);
    expect(() => parseAgentOutput('health', stdout)).toThrow(message);
  });

  it('says what to do about garbage', () => {
    try {
      parseAgentOutput('read-mark', 'Segmentation fault');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AgentOutputError);
      const e = err as AgentOutputError;
      expect(e.code).toBe('AGENT_BAD_OUTPUT');
      expect(e.explanation).toContain('Segmentation fault');
      expect(e.action).toContain('agent.install');
    }
  });

  it('accepts a read-mark without a marker (null) and validates a present one', () => {
    const none = {
      command: 'read-mark',
      ok: false,
      time: 1,
      marker: null,
      dir: null,
      dirs: [{ dir: '/data', status: 'missing' }],
    };
    expect(parseAgentOutput('read-mark', JSON.stringify(none))).toEqual(none);
    const bad = { ...none, ok: true, marker: { format: 'drbot-rpo-marker/v1', time: 'x' } };
    expect(() => parseAgentOutput('read-mark', JSON.stringify(bad))).toThrow(/marker\.time: expected number/);
  });
});
