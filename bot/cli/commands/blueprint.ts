/**
 * `drbot blueprint <runbook> [--write] [--json]`: the launch blueprint of every protected
 * instance, filled from the network mapping; `--write` stores them (RunStore doc `blueprint`) so
 * `ec2.launch` uses them, pinned fields included.
 */
import type { Command } from 'commander';
import { regionOf } from '../../../engine/actions/support/regions.js';
import {
  type BlueprintDoc,
  blueprintDocId,
  createBlueprintSource,
} from '../../../engine/network/blueprint-source.js';
import type { PlannedBlueprint } from '../../../engine/network/blueprints.js';
import { BLUEPRINT_DOC_KIND } from '../../../engine/network/mapping-store.js';
import type { Mode } from '../../../engine/runbook/types.js';
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
        const blueprints = await withNetworkRuntime(name, flags, async ({ runtime, runbook, network }) => {
          const region = regionOf(runbook, flags.mode, 'recovery');
          const instances = await runtime.cloud.listProtected(
            runbook.spec.protect,
            regionOf(runbook, flags.mode, 'protected'),
          );
          const points: Record<string, string> = {};
          for (const i of instances) {
            const point = await runtime.cloud.latestRecoveryPoint(i.id, region);
            if (point) points[i.id] = point.id;
          }
          const source = createBlueprintSource({ store: runtime.store, network, useStored: !flags.write });
          const built = await source.blueprints({ runbook, mode: flags.mode, instances, points, region });
          if (flags.write) {
            const doc: BlueprintDoc = {
              version: 1,
              runbook: runbook.metadata.name,
              direction: flags.mode === 'failback' ? 'reverse' : 'forward',
              region,
              generatedAt: runtime.clock.now(),
              blueprints: built,
            };
            await runtime.store.putDoc(
              BLUEPRINT_DOC_KIND,
              blueprintDocId(runbook.metadata.name, flags.mode),
              doc,
            );
          }
          return built;
        });
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
