/**
 * `drbot protect <runbook>`: one protection pass; prints the newest point per instance and the
 * newest snapshot copy per protected database, with their ages.
 */
import { type Command, Option } from 'commander';
import { formatDuration } from '../../../engine/duration.js';
import { databaseLines, protectOnce } from '../../runtime/protect-local.js';
import { PROVIDERS, type ProviderName } from '../../runtime/provider.js';
import { dataDirOption, resolveCliPaths, runbookDirOption } from '../paths.js';
import { printError } from './run.js';

interface ProtectFlags {
  provider: ProviderName;
  json?: boolean;
  inMemory?: boolean;
  fast?: boolean;
  dataDir?: string;
  dir?: string;
}

export function registerProtectCommand(program: Command): void {
  const command = program
    .command('protect')
    .description(
      'Capture a recovery point of every protected instance and a snapshot of every protected database, and copy them to the target region.',
    )
    .argument('<runbook>', 'runbook name (in --dir) or file path')
    .addOption(new Option('--provider <provider>', 'cloud to act on').choices(PROVIDERS).default('sim'))
    .option('--json', 'print the points as JSON')
    .option('--in-memory', 'use an in-memory store (the sim starts from its world file)')
    .option('--fast', 'skip simulated copy time instead of waiting (sim only)');
  runbookDirOption(dataDirOption(command)).action(async (runbook: string, flags: ProtectFlags) => {
    try {
      const paths = resolveCliPaths(flags);
      const { rows, databases, pruned } = await protectOnce({
        runbook,
        provider: flags.provider,
        inMemory: flags.inMemory,
        fast: flags.fast && flags.provider === 'sim',
        dataDir: paths.dataDir,
        runbooksDir: paths.runbookDir,
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ points: rows, databases, pruned }, null, 2)}\n`);
      } else {
        for (const row of rows) {
          const age = row.ageMs === undefined ? 'no point' : `${formatDuration(row.ageMs)} old`;
          const at =
            row.capturedAt === undefined ? '' : ` captured ${new Date(row.capturedAt).toISOString()}`;
          process.stdout.write(
            `${row.instanceId} ${(row.name ?? '').padEnd(10)} ${row.pointId ?? '—'}${at} (${age})\n`,
          );
        }
        for (const line of databaseLines(databases)) process.stdout.write(`${line}\n`);
        if (pruned.length > 0) process.stdout.write(`pruned ${pruned.length} old recovery point(s)\n`);
      }
      process.exitCode = rows.every((r) => r.pointId) && databases.every((d) => d.snapshotId) ? 0 : 1;
    } catch (err) {
      printError(err, (line) => process.stderr.write(`${line}\n`));
      process.exitCode = 1;
    }
  });
}
