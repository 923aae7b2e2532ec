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
import type { Runbook } from '../runbook/types.js';

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

/** The cloud a runbook declares (`spec.provider`, default aws). */
export function runbookProviderName(runbook: Runbook): string {
  return runbook.spec.provider ?? 'aws';
}

/**
 * True when a process on `here` may act for a runbook: the simulated cloud stands in for every
 * provider (local rehearsal); a real cloud acts only for runbooks that declare it. Without a
 * recorded provider (tests) nothing is checked.
 */
export function servesRunbook(here: RunProvider | undefined, runbook: Runbook): boolean {
  if (!here || here.name === 'sim') return true;
  return here.name === runbookProviderName(runbook);
}

/** The refusal of a runbook whose cloud this process is not wired for (never act on the wrong cloud). */
export function providerNotConfigured(runbook: Runbook, here: RunProvider, verb: string): NonRetryableError {
  const wanted = runbookProviderName(runbook);
  const name = runbook.metadata.name;
  return new NonRetryableError(
    `${name} runs on ${wanted} (spec.provider); this drbot acts on ${describeProvider(here)}, so it will not ${verb} it`,
    {
      code: 'PROVIDER_NOT_CONFIGURED',
      explanation: `A runbook's steps call the cloud it declares. Driven from a drbot wired to ${here.name}, they would act on ${here.name} machines, not the ${wanted} ones the runbook protects.`,
      action:
        wanted === 'aws'
          ? 'Run it from a drbot on AWS (the Lambda worker, Slack, or `--provider aws`), or rehearse it on the simulated cloud (no --provider).'
          : `Run it from a self-hosted drbot with \`--provider ${wanted}\` (\`drbot serve --provider ${wanted}\`, \`drbot run … --provider ${wanted}\`), or rehearse it on the simulated cloud (no --provider).`,
      context: { runbook: name, needs: wanted, here: describeProvider(here) },
    },
  );
}

/** Refuses to start or advance a run of a runbook on another cloud than this process's. */
export function assertRunbookProvider(runbook: Runbook, here: RunProvider | undefined, verb: string): void {
  if (here && !servesRunbook(here, runbook)) throw providerNotConfigured(runbook, here, verb);
}
