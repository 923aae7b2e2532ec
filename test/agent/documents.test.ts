import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  AGENT_DOCUMENTS,
  agentArgs,
  agentDocuments,
  freezeParameters,
  healthParameters,
  installParameters,
  postRecoveryParameters,
  readMarkParameters,
} from '../../agent/commands.js';
import { DOCUMENT_SPECS } from '../../agent/document-specs.js';
import { AgentParameterError } from '../../agent/errors.js';
import {
  AGENT_SCRIPT_PATH,
  DOCUMENTS_DIR,
  renderDocuments,
  SCRIPT_DELIMITER,
  SSM_DOCUMENT_MAX_BYTES,
} from '../../agent/render-documents.js';
import { sandbox, writeScript } from './helpers.js';

interface SsmDocument {
  schemaVersion: string;
  description: string;
  parameters: Record<
    string,
    { type: string; interpolationType: string; allowedPattern: string; default: string }
  >;
  mainSteps: { action: string; inputs: { runCommand: string[]; timeoutSeconds: string } }[];
}

const docs = agentDocuments();
const byName = (name: string) => parse(docs.find((d) => d.name === name)?.content ?? '') as SsmDocument;

describe('agent SSM documents', () => {
  it('are the committed rendering of the specs and agent/drbot-agent (run `npx tsx agent/render-documents.ts --write`)', () => {
    const rendered = renderDocuments();
    for (const [file, content] of Object.entries(rendered)) {
      expect(readFileSync(join(DOCUMENTS_DIR, file), 'utf8'), file).toBe(content);
    }
    expect(docs.map((d) => d.name)).toEqual(
      Object.keys(rendered)
        .map((f) => f.replace('.yaml', ''))
        .sort(),
    );
  });

  it('are seven schema 2.2 aws:runShellScript documents with ENV_VAR parameters', () => {
    expect(docs.map((d) => d.name).sort()).toEqual(Object.values(AGENT_DOCUMENTS).sort());
    for (const doc of docs) {
      const parsed = parse(doc.content) as SsmDocument;
      expect(doc.format).toBe('YAML');
      expect(parsed.schemaVersion).toBe('2.2');
      expect(parsed.description).toMatch(/^drbot: /);
      expect(parsed.mainSteps.map((s) => s.action)).toEqual(['aws:runShellScript']);
      for (const p of Object.values(parsed.parameters)) {
        expect(p).toMatchObject({ type: 'String', interpolationType: 'ENV_VAR', default: '' });
      }
      expect(Buffer.byteLength(doc.content)).toBeLessThan(SSM_DOCUMENT_MAX_BYTES);
    }
  });

  it('DrbotInstallAgent embeds agent/drbot-agent byte for byte', () => {
    const script = readFileSync(AGENT_SCRIPT_PATH, 'utf8');
    const lines = byName('DrbotInstallAgent').mainSteps[0]?.inputs.runCommand ?? [];
    const heredoc = lines.find((l) => l.includes(`<<'${SCRIPT_DELIMITER}'`)) ?? '';
    const body = heredoc.slice(heredoc.indexOf('\n') + 1, heredoc.lastIndexOf(`${SCRIPT_DELIMITER}`));
    expect(body).toBe(script);
    // SSM would read {{ }} as a parameter, and the delimiter must not end the here-document early
    expect(script).not.toContain('{{');
    expect(script.split('\n')).not.toContain(SCRIPT_DELIMITER);
  });

  it('each document shell passes the parameters to the agent exactly as agentArgs says', () => {
    const box = sandbox();
    const fake = join(box.root, 'fake-agent');
    writeScript(fake, 'for a in "$@"; do printf "%s\\n" "$a"; done');
    const cases: Record<string, Record<string, string[]>> = {
      DrbotHealth: healthParameters({
        http: ['http://localhost/healthz?a=1&b=2', 'https://x/'],
        tcp: ['db:5432'],
        process: ['nginx'],
        timeoutS: 3,
      }),
      DrbotMark: {},
      DrbotReadMark: readMarkParameters({ dirs: ['/data', '/srv/db'] }),
      DrbotFreeze: freezeParameters({ dirs: ['/data'], maxSeconds: 45 }),
      DrbotThaw: {},
      DrbotPostRecovery: postRecoveryParameters({
        env: { DB_HOST: '10.0.0.9', API_URL: 'https://api.internal/v1' },
      }),
    };
    for (const [name, parameters] of Object.entries(cases)) {
      const doc = byName(name);
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', DRBOT_AGENT: fake };
      for (const key of Object.keys(doc.parameters)) env[`SSM_${key}`] = parameters[key]?.[0] ?? '';
      const script = (doc.mainSteps[0]?.inputs.runCommand ?? []).join('\n');
      const out = execFileSync('sh', ['-c', script], { env, encoding: 'utf8' });
      const { subcommand, args } = agentArgs(name, parameters);
      expect(out.split('\n').filter(Boolean), name).toEqual([subcommand, ...args]);
    }
    box.cleanup();
  });

  it('answers not-installed as JSON when the agent is missing', () => {
    const doc = byName('DrbotHealth');
    const script = (doc.mainSteps[0]?.inputs.runCommand ?? []).join('\n');
    let stdout = '';
    try {
      execFileSync('sh', ['-c', script], {
        env: { PATH: process.env.PATH ?? '', DRBOT_AGENT: '/nonexistent/agent' },
        encoding: 'utf8',
      });
    } catch (err) {
      stdout = String((err as { stdout: string }).stdout);
      expect((err as { status: number }).status).toBe(3);
    }
    expect(JSON.parse(stdout)).toMatchObject({
      command: 'health',
      ok: false,
      error: { code: 'not-installed' },
    });
  });
});

describe('agent parameter builders', () => {
  it('encode lists as one space-separated String and leave out empties', () => {
    expect(healthParameters({ http: ['http://a/', 'http://b/'], tcp: [], timeoutS: 2.2 })).toEqual({
      http: ['http://a/ http://b/'],
      timeout: ['3'],
    });
    expect(installParameters({ scheduler: 'cron' })).toEqual({ scheduler: ['cron'] });
    expect(freezeParameters({ maxSeconds: 30_000 })).toEqual({ maxSeconds: ['3600'] });
  });

  it.each([
    () => healthParameters({ http: ['http://a b/'] }),
    () => healthParameters({ process: ['$(reboot)'] }),
    () => readMarkParameters({ dirs: ['/data"'] }),
    () => postRecoveryParameters({ env: { 'BAD-KEY': 'x' } }),
    () => postRecoveryParameters({ env: { A: 'two words' } }),
  ])('refuse values that cannot travel safely (%#)', (build) => {
    expect(build).toThrow(AgentParameterError);
  });

  it('agentArgs rejects unknown documents and parameters SSM would reject', () => {
    expect(() => agentArgs('AWS-RunShellScript', {})).toThrow(/not a drbot agent document/);
    expect(() => agentArgs('DrbotMark', { dir: ['/x'] })).toThrow(/has no parameter dir/);
    expect(() => agentArgs('DrbotFreeze', { maxSeconds: ['soon'] })).toThrow(AgentParameterError);
    expect(agentArgs('DrbotInstallAgent', { dirs: ['/a  /b'] })).toEqual({
      subcommand: 'install',
      args: ['--dir', '/a', '--dir', '/b'],
    });
  });

  it('cover every document spec', () => {
    expect(DOCUMENT_SPECS.map((s) => s.name).sort()).toEqual(Object.values(AGENT_DOCUMENTS).sort());
  });
});
