/**
 * `drbot run <mode> <runbook>`: one whole run, locally, to completion, with live progress.
 * Exit 0 when the run succeeds, 1 when it fails (or cannot start), 2 for refused options.
 */
import { type Command, Option } from 'commander';
import type { WorldFaults } from '../../../engine/adapters/sim/world.js';
import { type DrbotError, NotAllowedError, toUserFacing } from '../../../engine/errors.js';
import { formatSummary, lineNotifier } from '../../runtime/progress.js';
import { PROVIDERS, type ProviderName } from '../../runtime/provider.js';
import { runLocally } from '../../runtime/run-local.js';
import { dataDirOption, resolveCliPaths, runbookDirOption } from '../paths.js';
import { modeAndRunbook } from './mode-args.js';

/** Options refused against real infrastructure: exit 2, like other usage errors. */
const REFUSALS = ['APPROVE_AS_REFUSED', 'CONFIRM_MANUAL_REFUSED', 'FAST_REFUSED', 'MODE_MISSING'];

interface RunFlags {
  provider: ProviderName;
  approveAs?: string;
  confirmManual?: boolean;
  as: string;
  json?: boolean;
  inMemory?: boolean;
  fast?: boolean;
  faults?: string;
  seed?: string;
  dataDir?: string;
  dir?: string;
  agent: boolean;
}

/** Prints what happened, why and what to do next. */
export function printError(err: unknown, write: (line: string) => void): void {
  const user = toUserFacing(err);
  write(`error: ${user.message}`);
  write(`  why: ${user.explanation}`);
  write(`  next: ${user.action}`);
}

function parseFaults(text: string | undefined): WorldFaults | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as WorldFaults;
  } catch {
    throw new NotAllowedError('--faults is not valid JSON', {
      code: 'INVALID_FAULTS',
      explanation: `It must be a JSON object such as {"throttleRate":0.2,"capacityErrors":{"t3.medium":1}}; got ${text}.`,
      action: 'Quote the JSON for your shell and try again.',
    });
  }
}

export function registerRunCommand(program: Command): void {
  const command = program
    .command('run')
    .description('Run a runbook mode locally to completion (embedded store), printing live progress.')
    .argument('<mode>', 'drill, failover or failback')
    .argument('<runbook>', 'runbook name (in --dir) or file path (either order)')
    .addOption(new Option('--provider <provider>', 'cloud to act on').choices(PROVIDERS).default('sim'))
    .option('--approve-as <users>', 'answer approval gates as these users, comma-separated (sim only)')
    .option('--confirm-manual', 'confirm manual steps as the initiator (sim only)')
    .option('--as <user>', 'who starts the run (the initiator)', 'alice')
    .option('--json', 'print the final run record (status, steps, measures, audit) as JSON')
    .option('--in-memory', 'use an in-memory store instead of the embedded DynamoDB')
    .option('--fast', 'skip simulated time instead of waiting (sim only)')
    .option('--faults <json>', 'faults to inject into the sim, e.g. {"throttleRate":0.2}')
    .option('--seed <n>', 'seed for simulated faults and retry jitter')
    .option('--no-agent', 'answer agent documents with canned output instead of running the agent script');
  runbookDirOption(dataDirOption(command)).action(async (first: string, second: string, flags: RunFlags) => {
    const json = flags.json === true;
    // with --json, stdout carries only the record: progress goes to stderr
    const progress = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
    try {
      const { mode, runbook } = modeAndRunbook('run', first, second);
      const paths = resolveCliPaths(flags);
      const approveAs = flags.approveAs
        ?.split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      const result = await runLocally({
        mode,
        runbook,
        provider: flags.provider,
        approveAs,
        confirmManual: flags.confirmManual,
        as: flags.as,
        inMemory: flags.inMemory,
        fast: flags.fast,
        faults: parseFaults(flags.faults),
        seed: flags.seed === undefined ? undefined : Number(flags.seed),
        dataDir: paths.dataDir,
        runbooksDir: paths.runbookDir,
        agent: flags.agent,
        notifier: lineNotifier(progress),
        onLine: progress,
      });
      const { run, audit } = result;
      if (json) {
        const record = {
          id: run.id,
          runbook: run.runbook,
          mode: run.mode,
          initiator: run.initiator,
          status: run.status,
          steps: run.steps,
          measures: run.measures,
          audit,
          counters: result.counters,
        };
        process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      } else {
        for (const line of formatSummary(run)) progress(line);
      }
      process.exitCode = run.status === 'succeeded' ? 0 : 1;
    } catch (err) {
      printError(err, (line) => process.stderr.write(`${line}\n`));
      process.exitCode = REFUSALS.includes((err as DrbotError).code) ? 2 : 1;
    }
  });
}
