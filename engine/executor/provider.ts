/**
 * One provider per run. A run records the cloud it was started on (provider name, and the account
 * and region when the front end knows them); a process wired to another cloud never advances,
 * approves, rejects or confirms it. Without this a sim shell could resume an AWS failover, where
 * `/as` lets one person play both approvers. Runs recorded before this field carry no provider
 * and are not checked.
 */
import type { RunProvider } from '../api.js';
import { NonRetryableError } from '../errors.js';
import type { Run } from '../run.js';

/** How a provider is named to people: `aws (account 123…, us-west-2)`. */
export function describeProvider(p: RunProvider): string {
  const where = [p.account ? `account ${p.account}` : '', p.region ?? ''].filter(Boolean).join(', ');
  return where ? `${p.name} (${where})` : p.name;
}

/** True when both sides name a value and the values differ. */
function differs(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

export function providerMismatch(run: Run, here: RunProvider | undefined): RunProvider | undefined {
  const wanted = run.provider;
  if (!wanted) return undefined;
  if (!here) return wanted;
  if (
    wanted.name !== here.name ||
    differs(wanted.account, here.account) ||
    differs(wanted.region, here.region)
  )
    return wanted;
  return undefined;
}

/** Refuses to act on a run that was started on another provider, naming the one it needs. */
export function assertRunProvider(run: Run, here: RunProvider | undefined, verb: string): void {
  const wanted = providerMismatch(run, here);
  if (!wanted) return;
  const mine = here ? describeProvider(here) : 'no recorded provider';
  throw new NonRetryableError(
    `Run ${run.id} runs on ${describeProvider(wanted)}; this drbot uses ${mine}, so it will not ${verb} it`,
    {
      code: 'RUN_PROVIDER_MISMATCH',
      explanation:
        'A run acts on the cloud it was started on, from start to end: another provider would act on other machines (or simulated ones), and its approvals would not be the ones the real run needs.',
      action:
        wanted.name === 'aws'
          ? `Continue it from a drbot on ${describeProvider(wanted)}: \`--provider aws\` with that account and AWS_REGION, the Lambda worker, or Slack.`
          : `Continue it from a drbot with \`--provider ${wanted.name}\` on the same data directory.`,
      context: { runId: run.id, needs: describeProvider(wanted), here: mine },
    },
  );
}
