/**
 * `drbot blueprint <runbook> [--write] [--json]`: the launch blueprint of every protected
 * instance, filled from the network mapping; `--write` stores them (RunStore doc `blueprint`) so
 * `ec2.launch` uses them, pinned fields included.
 */
import type { Command } from 'commander';
import type { PlannedBlueprint } from '../../../engine/network/blueprints.js';
import type { Mode } from '../../../engine/runbook/types.js';
import { tierBlueprints } from '../../runtime/network-local.js';
import { type NetworkFlags, networkOptions, withNetworkRuntime } from './network.js';
import { printError } from './run.js';

interface BlueprintFlags extends NetworkFlags {
  write?: boolean;
  json?: boolean;
  mode: Mode;
}

export function formatBlueprint(b: PlannedBlueprint): string {
  const lines = [
    `${b.sourceInstanceId} ${b.tags?.Name ?? ''}`.trim(),
    `  type        ${b.instanceType}${b.fellBackFrom ? ` (fell back from ${b.fellBackFrom})` : ''}`,
    `  subnet      ${b.subnetId ?? '— (network profile)'}   ip ${b.privateIp ?? '—'}`,
    `  groups      ${b.securityGroups?.join(', ') ?? '—'}`,
    `  profile     ${b.instanceProfile ?? '—'}`,
    `  volumes     ${b.volumes.map((v) => `${v.device} ${v.sizeGiB}GiB ${v.type}`).join(', ') || '—'}`,
    `  from        ${b.recoveryPointId || '— (no recovery point yet)'}`,
  ];
  for (const note of b.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

export function registerBlueprintCommand(program: Command): void {
  networkOptions(
    program
      .command('blueprint')
      .description('Show (and with --write store) the launch blueprint of every protected instance.'),
  )
    .option('--write', 'store the blueprints; ec2.launch then uses them')
    .option('--json', 'print the blueprints as JSON')
    .option('--mode <mode>', 'drill and failover read the mapping forward, failback in reverse', 'drill')
    .action(async (name: string, flags: BlueprintFlags) => {
      try {
        const blueprints = await withNetworkRuntime(name, flags, ({ runtime, runbook, network }) =>
          tierBlueprints(runtime, network, runbook, { mode: flags.mode, write: flags.write === true }),
        );
        if (flags.json) process.stdout.write(`${JSON.stringify(blueprints, null, 2)}\n`);
        else
          process.stdout.write(
            `${blueprints.map(formatBlueprint).join('\n\n')}\n${flags.write ? 'stored.\n' : ''}`,
          );
      } catch (err) {
        printError(err, (line) => process.stderr.write(`${line}\n`));
        process.exitCode = 1;
      }
    });
}
