/**
 * Lint time bench: `checkRunbook` (YAML parse with positions, schema, every semantic and safety
 * check) on a generated chain of N steps, each reading the step before it and every tenth the
 * first step, and on an N-step cycle. Prints one JSON line per size: the first (cold) run, and the
 * median and fastest of 5 runs after it. Target: 10,000 steps in under 2 s. About 70% of the
 * 10,000-step time is the YAML parse with positions (the `yaml` library on ~1 MB).
 *
 *   npx tsx bench/lint.ts
 */
import { checkRunbook } from '../engine/runbook/load.js';
import { chainRunbook } from '../test/helpers/big-runbook.js';

const SIZES = [1_000, 10_000];
const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function time(text: string): { ms: number; issues: number } {
  const started = performance.now();
  const result = checkRunbook(text, 'bench.yaml');
  return { ms: performance.now() - started, issues: result.issues.length };
}

for (let i = 0; i < 3; i += 1) checkRunbook(chainRunbook(1_000), 'warm-up.yaml');
for (const shape of ['chain', 'cycle'] as const) {
  for (const steps of SIZES) {
    const text = chainRunbook(steps, { cycle: shape === 'cycle' });
    const cold = time(text);
    const runs = Array.from({ length: RUNS }, () => time(text));
    console.log(
      JSON.stringify({
        bench: 'lint',
        shape,
        steps,
        bytes: Buffer.byteLength(text),
        coldMs: Math.round(cold.ms),
        ms: Math.round(median(runs.map((r) => r.ms))),
        minMs: Math.round(Math.min(...runs.map((r) => r.ms))),
        issues: cold.issues,
        targetMs: steps === 10_000 ? 2000 : undefined,
      }),
    );
  }
}
