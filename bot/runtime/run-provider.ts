/**
 * What a run started here records as its provider (engine/executor/provider.ts): the name, and
 * for AWS the SDK's region (AWS_REGION, else AWS_DEFAULT_REGION). A process whose provider
 * differs never advances the run nor records its approvals. Kept apart from provider.ts so the
 * Lambda bundle does not pull in the sim.
 */
import type { RunProvider } from '../../engine/run.js';

export function runProviderOf(
  name: 'sim' | 'aws' | 'alibaba',
  env: NodeJS.ProcessEnv = process.env,
): RunProvider {
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
  return name === 'aws' && region ? { name, region } : { name };
}
