import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Variables the process inherits for its own sake, not drbot configuration. */
const NOT_CONFIG = new Set(['PATH', 'HOME']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

/** Every environment variable the code reads: env.X, env['X'], get('X'), required('X'). */
function variablesRead(): Set<string> {
  const found = new Set<string>();
  const pattern = /(?:\benv\.|\benv\[['"]|\bget\(['"]|\brequired\(['"])([A-Z][A-Z0-9_]+)/g;
  for (const file of ['bot', 'engine', 'bin', 'agent'].flatMap(sources)) {
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
      if (!NOT_CONFIG.has(match[1]!)) found.add(match[1]!);
    }
  }
  return found;
}

function configurationSection(): string {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('## Configuration');
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
}

describe('README configuration table', () => {
  it('lists every variable the code reads, with the commands that read it', () => {
    const section = configurationSection();
    const read = variablesRead();
    expect(read.size).toBeGreaterThan(10);
    const missing = [...read].filter((name) => !section.includes(`\`${name}\``)).sort();
    expect(missing).toEqual([]);
    for (const row of section.split('\n').filter((l) => l.startsWith('| `'))) {
      const [, , readBy] = row.split('|');
      expect(readBy?.trim(), row).not.toBe('');
    }
  });
});
