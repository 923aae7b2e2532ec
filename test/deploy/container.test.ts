/**
 * The container image of `drbot serve --provider aws`, checked without a Docker engine: the
 * Dockerfile's instructions, and the build context `.dockerignore` leaves, which must hold every
 * file the CLI loads at run time (followed from bin/drbot.mjs through every relative import) and
 * nothing else worth keeping out; every package the sources import must survive `--omit=dev`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** `.dockerignore` as Docker reads it: the last matching rule wins, a rule on a folder covers its files. */
function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const pattern = (negated ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      const source = pattern
        .split('**')
        .map((part) =>
          part
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
        )
        .join('.*');
      return { negated, re: new RegExp(`^${source}$`) };
    });
  return (path) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((p) => rule.re.test(p))) excluded = !rule.negated;
    return excluded;
  };
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

const excluded = dockerignore(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));
const context = new Set(walk('').filter((p) => !excluded(p)));

/** Every source file reachable from the CLI entry point, and the packages they import. */
function runtimeGraph(): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = ['bin/drbot.mjs'];
  const specifiers = /(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g;
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const [, spec] of text.matchAll(specifiers)) {
      if (!spec || spec.includes('${')) continue; // generated-code templates
      if (spec.startsWith('.')) {
        const target = relative(ROOT, join(ROOT, dirname(file), spec));
        const ts = target.replace(/\.js$/, '.ts');
        queue.push(existsSync(join(ROOT, ts)) ? ts : target);
      } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
        const parts = spec.split('/');
        packages.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string));
      }
    }
  }
  return { files, packages };
}

describe('Dockerfile', () => {
  it('builds on node:22-slim, installs production dependencies only, and runs as a non-root user', () => {
    expect(instructions[0]).toBe('FROM node:22-slim');
    expect(instructions.some((l) => /^RUN npm ci --omit=dev\b/.test(l))).toBe(true);
    const users = instructions.filter((l) => l.startsWith('USER '));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER (root|0)(:|$)/);
    // the user is set after the install (npm ci as root) and before the entry point
    const userAt = instructions.lastIndexOf(users.at(-1) as string);
    expect(userAt).toBeGreaterThan(instructions.findIndex((l) => l.startsWith('RUN npm ci')));
    expect(userAt).toBeLessThan(instructions.findIndex((l) => l.startsWith('ENTRYPOINT')));
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "bin\/drbot\.mjs"\]/);
    expect(dockerfile).toMatch(/CMD \["serve", "--provider", "aws"\]/);
  });

  it('copies only paths the build context holds', () => {
    const sources = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from'))
      .flatMap((l) =>
        l
          .replace(/^COPY\s+/, '')
          .split(/\s+/)
          .slice(0, -1),
      );
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      const path = source.replace(/^\.\//, '').replace(/\/$/, '');
      expect(
        [...context].some((p) => p === path || p.startsWith(`${path}/`)),
        `${source} is not in the build context`,
      ).toBe(true);
    }
  });

  it('leaves in the build context every file the CLI loads, the agent and the runbooks', () => {
    const { files } = runtimeGraph();
    expect(files.has('bot/slack/serve.ts')).toBe(true);
    expect(files.has('engine/adapters/aws/provider.ts')).toBe(true);
    for (const file of files) expect(context.has(file), `${file} is left out of the image`).toBe(true);
    for (const file of ['package.json', 'package-lock.json', 'agent/drbot-agent', 'tsconfig.json']) {
      expect(context.has(file), file).toBe(true);
    }
    expect([...context].some((p) => p.startsWith('runbooks/') && p.endsWith('.yaml'))).toBe(true);
    expect([...context].some((p) => p.startsWith('agent/documents/'))).toBe(true);
  });

  it('keeps tests, benchmarks, local state and deployment files out of the build context', () => {
    for (const prefix of ['test/', 'bench/', '.drbot/', '.serverless/', '.git/', 'serverless.yml', '.env']) {
      expect([...context].filter((p) => p.startsWith(prefix))).toEqual([]);
    }
  });

  it('needs no package that `npm ci --omit=dev` leaves out', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const { packages } = runtimeGraph();
    expect(packages.has('@slack/bolt')).toBe(true);
    const missing = [...packages].filter((name) => !(name in pkg.dependencies));
    expect(missing).toEqual([]);
  });
});
