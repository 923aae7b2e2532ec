/**
 * `drbot doctor <runbook>`: everything that would make a drill or failover fail, each with a
 * remedy; exits 1 when anything blocks. The findings come from engine/network/doctor.ts, which
 * Slack's `/dr doctor` renders too.
 */
import type { Command } from 'commander';
import { diagnose, formatDoctorReport } from '../../../engine/network/doctor.js';
import { gatherDoctorFacts } from '../../../engine/network/doctor-facts.js';
import { withReplicationReadiness } from '../../../engine/network/doctor-replication.js';
import { type NetworkFlags, networkOptions, withNetworkRuntime } from './network.js';
import { printError } from './run.js';

export function registerDoctorCommand(program: Command): void {
  networkOptions(
    program
      .command('doctor')
      .description(
        'List everything that would make a drill or failover fail, with remedies; exit 1 on blockers.',
      ),
  )
    .option('--json', 'print the findings as JSON')
    .action(async (name: string, flags: NetworkFlags & { json?: boolean }) => {
      try {
        const report = await withNetworkRuntime(name, flags, async ({ runtime, runbook, network }) => {
          const now = runtime.clock.now();
          const facts = await gatherDoctorFacts({
            cloud: runtime.cloud,
            network,
            store: runtime.store,
            runbook,
            now,
          });
          return withReplicationReadiness(diagnose(facts), {
            cloud: runtime.cloud,
            runbook,
            now,
            ...(runtime.replication ? { replication: runtime.replication } : {}),
          });
        });
        process.stdout.write(
          flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDoctorReport(report)}\n`,
        );
        process.exitCode = report.blocking ? 1 : 0;
      } catch (err) {
        printError(err, (line) => process.stderr.write(`${line}\n`));
        process.exitCode = 1;
      }
    });
}
