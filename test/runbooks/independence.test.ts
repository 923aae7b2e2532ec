/**
 * Tests use their own runbooks (test/fixtures/…), never the shipped runbooks/ by name, path or
 * count: adding runbooks/web-tier.yaml, or editing the shipped sim world, must not break a test.
 * Only shipped.test.ts (generic rules for every shipped file) and the packaging test read runbooks/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const TEST = join(import.meta.dirname, '..');
const ALLOWED = new Set([
  'runbooks/shipped.test.ts',
  'runbooks/independence.test.ts',
  'deploy/package.test.ts',
]);
/** A path into the shipped directory: runbooks/<file>, runbooks/sim/…, `${ROOT}runbooks`, URL ../runbooks. */
const SHIPPED = [
  /(?<![\w/-])runbooks\/(?!sim\/world\.yaml)[\w-]+\.ya?ml/,
  /(?<![\w/-])runbooks\/sim\//,
  /\$\{ROOT\}runbooks\b/,
  /['"`](?:\.\.\/)+runbooks['"`/]/,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : files(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('tests and the shipped runbooks', () => {
  it('no test reads the shipped runbooks/ by name or path', () => {
    const offenders: string[] = [];
    for (const file of files(TEST)) {
      const rel = relative(TEST, file);
      if (ALLOWED.has(rel)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // comments may mention the shipped files; code may not load them
          if (/^\s*(\*|\/\/|\/\*\*)/.test(line)) return;
          if (SHIPPED.some((re) => re.test(line))) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
