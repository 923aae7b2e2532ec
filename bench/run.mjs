#!/usr/bin/env node
// Runs every bench/*.ts in its own fresh node process, one after another (parallel runs would
// distort each other on a 2-core machine), and passes their JSON lines through to stdout.
// `npm run bench -- engine ack` runs only the named benches.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

let failed = 0;
for (const name of benches) {
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    failed += 1;
    console.log(JSON.stringify({ bench: name, error: `exited with ${result.status ?? result.signal}` }));
  }
  console.error(`# ${name} took ${((Date.now() - started) / 1000).toFixed(1)}s`);
}
process.exitCode = failed ? 1 : 0;
