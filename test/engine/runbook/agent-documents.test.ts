import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentArgs } from '../../../agent/commands.js';
import { checkRunbook } from '../../../engine/runbook/load.js';

const minimal = readFileSync(new URL('../../fixtures/runbooks/valid/minimal.yaml', import.meta.url), 'utf8');

/** The fixture drill plus one ssm.runCommand step after the health check. */
function withCommand(withYaml: string, extra = ''): string {
  return minimal.replace(
    '          rto: end\n      cleanup:',
    `          rto: end\n        - id: hooks\n          action: ssm.runCommand\n          needs: [health]\n          with:\n${withYaml}${extra}\n      cleanup:`,
  );
}

// the drill's own copies: a drill runs commands only on what it launched
const INSTANCES = '            runOwned: true\n';

function issues(text: string) {
  return checkRunbook(text, 'agent-doc.yaml').issues.map((i) => ({
    code: i.code,
    path: i.path,
    line: i.line,
    message: i.message,
  }));
}

describe('lint checks the parameters of drbot agent documents', () => {
  it('env as a list of pairs is an error (it failed on every instance at run time)', () => {
    const text = withCommand(
      `${INSTANCES}            document: DrbotPostRecovery\n            parameters:\n              env: [DB_HOST=db.internal, DB_PORT=5432]`,
    );
    const line = text.split('\n').findIndex((l) => l.includes('env: [DB_HOST')) + 1;
    expect(issues(text)).toEqual([
      {
        code: 'AGENT_PARAMETER_SHAPE',
        path: 'spec.modes.drill.steps[3].with.parameters.env',
        line,
        message: 'DrbotPostRecovery parameter "env" must be a list of exactly one string, got a list of 2',
      },
    ]);
    // What the run time does with the same parameters: the error lint now reports first.
    expect(() => agentArgs('DrbotPostRecovery', { env: ['DB_HOST=db.internal', 'DB_PORT=5432'] })).toThrow(
      /parameter env cannot carry/,
    );
    const hint = checkRunbook(text, 'x.yaml').issues[0]?.hint;
    expect(hint).toContain('env: ["DB_HOST=db.internal DB_PORT=5432"]');
  });

  it('one space-separated string lints clean and is what the agent accepts', () => {
    const text = withCommand(
      `${INSTANCES}            document: DrbotPostRecovery\n            parameters:\n              env: ["DB_HOST=db.internal DB_PORT=5432"]`,
    );
    expect(issues(text)).toEqual([]);
    expect(agentArgs('DrbotPostRecovery', { env: ['DB_HOST=db.internal DB_PORT=5432'] }).args).toEqual([
      '--env',
      'DB_HOST=db.internal',
      '--env',
      'DB_PORT=5432',
    ]);
  });

  it('an unknown parameter, a bad pair and a forbidden character are errors', () => {
    const unknown = withCommand(
      `${INSTANCES}            document: DrbotHealth\n            parameters:\n              htp: ["http://localhost/"]`,
    );
    expect(issues(unknown).map((i) => [i.code, i.path])).toEqual([
      ['AGENT_PARAMETER_UNKNOWN', 'spec.modes.drill.steps[3].with.parameters.htp'],
    ]);
    const pair = withCommand(
      `${INSTANCES}            document: DrbotPostRecovery\n            parameters:\n              env: ["1BAD=x GOOD=y novalue"]`,
    );
    expect(issues(pair).map((i) => i.message)).toEqual([
      'DrbotPostRecovery env holds "1BAD=x", "novalue", not KEY=VALUE',
    ]);
    const dollar = withCommand(
      `${INSTANCES}            document: DrbotPostRecovery\n            parameters:\n              env: ["A=$HOME"]`,
    );
    expect(issues(dollar).map((i) => i.code)).toEqual(['AGENT_PARAMETER_VALUE']);
  });

  it('expressions and other documents are left to run time', () => {
    const expr = withCommand(
      `${INSTANCES}            document: DrbotPostRecovery\n            parameters:\n              env: "\${{ steps.launch.outputs.privateIps }}"`,
    );
    expect(issues(expr)).toEqual([]);
    const other = withCommand(
      `${INSTANCES}            document: AWS-RunShellScript\n            parameters:\n              commands: [uptime, "df -h"]`,
    );
    expect(issues(other)).toEqual([]);
  });
});
