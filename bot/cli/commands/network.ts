/**
 * `drbot network replicate <runbook> [--cidr-remap FROM=TO] [--provider sim|aws]`, and the
 * runtime the network commands share (store + cloud + NetworkCloud for the chosen provider).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import {
  loadSimNetworkSeed,
  SimNetwork,
  type SimNetworkState,
} from '../../../engine/adapters/sim/network/index.js';
import { loadWorld } from '../../../engine/adapters/sim/world-load.js';
import { NonRetryableError } from '../../../engine/errors.js';
import type { CidrRemap } from '../../../engine/network/cidr.js';
import type { NetworkCloud } from '../../../engine/network/ports.js';
import { replicateNetwork } from '../../../engine/network/replicate.js';
import type { Runbook } from '../../../engine/runbook/types.js';
import { findRunbook } from '../../runbooks/repository.js';
import { createLocalRuntime, type LocalRuntime } from '../../runtime/local.js';
import { NETWORK_PROVIDERS, type ProviderName } from '../../runtime/provider.js';
import { printError } from './run.js';

/** Where the sim network state lives in the store, next to the sim's own (`sim`/`state`). */
export const SIM_NETWORK_DOC = { kind: 'sim-network', id: 'state' } as const;

export interface NetworkFlags {
  provider: ProviderName;
  inMemory?: boolean;
  dataDir: string;
  dir: string;
}

export interface NetworkRuntime {
  runtime: LocalRuntime;
  runbook: Runbook;
  network: NetworkCloud;
}

/** Adds the options every network command takes. */
export function networkOptions(command: Command): Command {
  return command
    .argument('<runbook>', 'runbook name (in --dir) or file path')
    .addOption(
      new Option('--provider <provider>', 'cloud to act on').choices(NETWORK_PROVIDERS).default('sim'),
    )
    .option('--in-memory', 'use an in-memory store (the sim starts from its world file)')
    .option('--data-dir <dir>', 'where the embedded store keeps its files', '.drbot')
    .option('--dir <dir>', 'runbook directory', 'runbooks');
}

/** Runs `fn` with the runtime, the runbook and its NetworkCloud; closes the runtime after. */
export async function withNetworkRuntime<T>(
  name: string,
  flags: NetworkFlags,
  fn: (r: NetworkRuntime) => Promise<T>,
): Promise<T> {
  const runtime = await createLocalRuntime({
    provider: flags.provider,
    inMemory: flags.inMemory,
    dataDir: flags.dataDir,
    runbooksDir: flags.dir,
    agent: false,
  });
  try {
    const runbook = await findRunbook(name, flags.dir);
    let network: NetworkCloud;
    if (flags.provider === 'aws') {
      const { createAwsNetwork } = await import('../../../engine/adapters/aws/network/aws-network.js');
      network = createAwsNetwork();
    } else {
      const file = join(flags.dir, 'sim', 'world.yaml');
      const text = await readFile(file, 'utf8');
      const saved = await runtime.store.getDoc<SimNetworkState>(SIM_NETWORK_DOC.kind, SIM_NETWORK_DOC.id);
      network = new SimNetwork({
        world: loadWorld(text, file),
        seed: loadSimNetworkSeed(text),
        ...(saved?.version === 1 ? { state: saved } : {}),
        persist: (state) => runtime.store.putDoc(SIM_NETWORK_DOC.kind, SIM_NETWORK_DOC.id, state),
      });
    }
    return await fn({ runtime, runbook, network });
  } finally {
    await runtime.close();
  }
}

/** `10.0.0.0/16=20.0.0.0/16` → { from, to }. */
export function parseCidrRemap(text: string): CidrRemap {
  const [from, to, extra] = text.split('=');
  if (!from || !to || extra !== undefined) {
    throw new NonRetryableError(`Invalid --cidr-remap ${JSON.stringify(text)}`, {
      code: 'INVALID_CIDR_REMAP',
      explanation: 'The remap is written FROM=TO, two IPv4 CIDRs.',
      action: 'Use for example --cidr-remap 10.0.0.0/16=20.0.0.0/16.',
    });
  }
  return { from: from.trim(), to: to.trim() };
}

export function registerNetworkCommand(program: Command): void {
  const network = program.command('network').description('Network replication to the target region.');
  networkOptions(
    network
      .command('replicate')
      .description(
        'Copy the VPCs of the protected instances to the target region (idempotent) and store the source ↔ target mapping.',
      ),
  )
    .option('--cidr-remap <FROM=TO>', 'move the source range to another range, e.g. 10.0.0.0/16=20.0.0.0/16')
    .option('--json', 'print the mapping as JSON')
    .action(async (name: string, flags: NetworkFlags & { cidrRemap?: string; json?: boolean }) => {
      try {
        const out = await withNetworkRuntime(name, flags, async ({ runtime, runbook, network: cloud }) => {
          const instances = await runtime.cloud.listProtected(
            runbook.spec.protect,
            runbook.spec.source.region,
          );
          return replicateNetwork({
            network: cloud,
            store: runtime.store,
            clock: runtime.clock,
            runbook: runbook.metadata.name,
            sourceRegion: runbook.spec.source.region,
            targetRegion: runbook.spec.target.region,
            instances,
            ...(flags.cidrRemap ? { cidrRemap: parseCidrRemap(flags.cidrRemap) } : {}),
            replicatedBy: 'cli',
          });
        });
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({ mappings: out.mappings, created: out.created, reused: out.reused, notes: out.notes }, null, 2)}\n`,
          );
          return;
        }
        for (const m of out.mappings) {
          process.stdout.write(
            `${m.sourceRegion} ${m.sourceVpcId} → ${m.targetRegion} ${m.targetVpcId}${m.cidrRemap ? ` (${m.cidrRemap.from} → ${m.cidrRemap.to})` : ''}\n`,
          );
          for (const e of m.entries)
            process.stdout.write(`  ${e.kind.padEnd(20)} ${e.sourceId} → ${e.targetId}\n`);
        }
        process.stdout.write(`created ${out.created}, reused ${out.reused}\n`);
        for (const note of out.notes) process.stdout.write(`note: ${note}\n`);
      } catch (err) {
        printError(err, (line) => process.stderr.write(`${line}\n`));
        process.exitCode = 1;
      }
    });
}
