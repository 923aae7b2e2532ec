/**
 * `drbot policy --provider alibaba [paths...]`: prints the least-privilege RAM policy (Alibaba's
 * policy JSON) for the Alibaba Cloud runbooks (`spec.provider: alibaba`) in the paths (default
 * runbooks/), generated from the actions they use. `--explain` lists which actions need each call.
 * The AWS IAM policy is generated at deploy time by serverless.yml (serverless/iam.cjs).
 */
import type { Command } from 'commander';
import { ACTION_SPECS } from '../../../engine/actions/catalogue.js';
import { alibabaRunbooks, ramActions, ramPolicy } from '../../../engine/actions/ram-policy.js';
import { NonRetryableError } from '../../../engine/errors.js';
import { formatIssue } from '../../../engine/runbook/errors.js';
import type { Runbook } from '../../../engine/runbook/types.js';
import { DEFAULT_RUNBOOK_DIR, loadRunbookPath } from '../../runbooks/repository.js';
import { printError } from './run.js';

export async function alibabaPolicyFor(
  paths: string[],
): Promise<{ runbooks: Runbook[]; text: string; explain: string }> {
  const all: Runbook[] = [];
  for (const path of paths.length > 0 ? paths : [DEFAULT_RUNBOOK_DIR]) {
    const { runbooks, issues } = await loadRunbookPath(path);
    const errors = issues.filter((i) => i.severity === 'error');
    if (errors.length > 0) {
      throw new NonRetryableError(`Cannot generate a policy: ${path} has invalid runbooks.`, {
        code: 'RUNBOOK_INVALID',
        explanation: errors.map(formatIssue).join('\n'),
        action: 'Fix the runbooks (`drbot lint`), then run `drbot policy` again.',
      });
    }
    all.push(...runbooks.values());
  }
  const runbooks = alibabaRunbooks(all);
  if (runbooks.length === 0) {
    throw new NonRetryableError('No runbook runs on Alibaba Cloud.', {
      code: 'NO_ALIBABA_RUNBOOKS',
      explanation:
        'The RAM policy is generated from the runbooks with `spec.provider: alibaba`, and none was found.',
      action: 'Set `spec.provider: alibaba` in the Alibaba Cloud runbooks, or pass their paths.',
    });
  }
  const explain = [...ramActions(runbooks, ACTION_SPECS)]
    .map(([ram, by]) => `${ram}  ← ${by.join(', ')}`)
    .join('\n');
  return {
    runbooks,
    text: `${JSON.stringify(ramPolicy(runbooks, ACTION_SPECS), null, 2)}\n`,
    explain: `${explain}\n`,
  };
}

export function registerPolicy(program: Command): void {
  program
    .command('policy')
    .description(
      'Print the least-privilege cloud policy the runbooks need (RAM policy JSON for Alibaba Cloud).',
    )
    .argument('[paths...]', 'runbook files or directories', [])
    .requiredOption('--provider <name>', 'alibaba (the AWS IAM policy comes from serverless.yml)')
    .option('--explain', 'list which drbot actions need each call instead of the policy')
    .action(async (paths: string[], options: { provider: string; explain?: boolean }) => {
      try {
        process.stdout.write(await policyText(paths, options));
      } catch (err) {
        printError(err, (line) => process.stderr.write(`${line}\n`));
        process.exitCode = 1;
      }
    });
}

async function policyText(
  paths: string[],
  options: { provider: string; explain?: boolean },
): Promise<string> {
  if (options.provider !== 'alibaba') {
    throw new NonRetryableError(`drbot policy does not generate a policy for "${options.provider}".`, {
      code: 'POLICY_PROVIDER_UNSUPPORTED',
      explanation:
        'The RAM policy for Alibaba Cloud is generated here; the AWS IAM role is generated at deploy time from the same action declarations (serverless/iam.cjs).',
      action: 'Use `drbot policy --provider alibaba`, or `npx serverless print` for the AWS role.',
    });
  }
  const { text, explain } = await alibabaPolicyFor(paths);
  return options.explain ? explain : text;
}
