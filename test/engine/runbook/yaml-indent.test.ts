import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunbook } from '../../../engine/runbook/load.js';

const TEXT = readFileSync(join(import.meta.dirname, '../../fixtures/ux/web-tier.yaml'), 'utf8');

/** The fixture with one line's indentation changed by `delta` spaces. */
function shifted(match: RegExp, delta: number): { text: string; line: number } {
  const lines = TEXT.split('\n');
  const index = lines.findIndex((l) => match.test(l));
  const line = lines[index] ?? '';
  lines[index] = delta > 0 ? `${' '.repeat(delta)}${line}` : line.slice(-delta);
  return { text: lines.join('\n'), line: index + 1 };
}

describe('YAML indentation mistakes', () => {
  it('one key indented one space too few gives one error naming the line and its sibling', () => {
    const { text, line } = shifted(/^ {10}needs: \[rpo-gate\]/, -1);
    const { issues } = checkRunbook(text, 'web-tier.yaml');
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue?.line).toBe(line);
    expect(issue?.message).toContain(`line ${line} is indented 9 spaces, but line ${line - 1} above it`);
    expect(issue?.hint).toContain(`Lines ${line - 1} and ${line}`);
    expect(issue?.hint).not.toContain('check indentation and quoting');
  });

  it('a tab in the indentation says so', () => {
    const text = TEXT.replace(/\n {2}target:/, '\n\ttarget:');
    const { issues } = checkRunbook(text, 'web-tier.yaml');
    expect(issues).toHaveLength(1);
  });
});
