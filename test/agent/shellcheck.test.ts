import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AGENT_SCRIPT_PATH } from '../../agent/render-documents.js';
import { hasTool } from './helpers.js';

describe('agent/drbot-agent lint', () => {
  it('passes shellcheck as POSIX sh', async () => {
    // Not skipped when missing: CI (.ci/run) installs Debian's shellcheck, and so must you.
    expect(hasTool('shellcheck'), 'shellcheck is not installed: run `apt-get install -y shellcheck`').toBe(
      true,
    );
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(
        'shellcheck',
        ['--shell=sh', '--severity=style', AGENT_SCRIPT_PATH],
        (error, stdout, stderr) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` });
        },
      );
    });
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  });
});
