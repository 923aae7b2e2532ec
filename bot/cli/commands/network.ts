/**
 * `drbot network replicate <runbook> [--cidr-remap FROM=TO] [--provider sim|aws|alibaba]`, and the
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
import type { Runbook } from '../../../engine/runbook/types.js';
import { findRunbook } from '../../runbooks/repository.js';
import { createLocalRuntime, type LocalRuntime } from '../../runtime/local.js';
import { replicateTier, replicationLines } from '../../runtime/network-local.js';
import { NETWORK_PROVIDERS, type ProviderName } from '../../runtime/provider.js';
import { dataDirOption, resolveCliPaths, runbookDirOption } from '../paths.js';
import { printError } from './run.js';

/** Where the sim network state lives in the store, next to the sim's own (`sim`/`state`). */
export const SIM_NETWORK_DOC = { kind: 'sim-network', id: 'state' } as const;

export interface NetworkFlags {
  provider: ProviderName;
  inMemory?: boolean;
  dataDir?: string;
  dir?: string;
}

export interface NetworkRuntime {
  runtime: LocalRuntime;
  runbook: Runbook;
  network: NetworkCloud;
}

/** Adds the options every network command takes. */
export function networkOptions(command: Command): Command {
  return runbookDirOption(
    dataDirOption(
      command
        .argument('<runbook>', 'runbook name (in --dir) or file path')
        .addOption(
          new Option('--provider <provider>', 'cloud to act on').choices(NETWORK_PROVIDERS).default('sim'),
        )
        .option('--in-memory', 'use an in-memory store (the sim starts from its world file)'),
    ),
  );
}

/** Runs `fn` with the runtime, the runbook and its NetworkCloud; closes the runtime after. */
export async function withNetworkRuntime<T>(
  name: string,
  flags: NetworkFlags,
  fn: (r: NetworkRuntime) => Promise<T>,
): Promise<T> {
  const paths = resolveCliPaths(flags);
  const runtime = await createLocalRuntime({
    provider: flags.provider,
    inMemory: flags.inMemory,
    dataDir: paths.dataDir,
    runbooksDir: paths.runbookDir,
    agent: false,
  });
  try {
    const runbook = await findRunbook(name, paths.runbookDir);
    let network: NetworkCloud;
    if (flags.provider === 'aws') {
      const { createAwsNetwork } = await import('../../../engine/adapters/aws/network/aws-network.js');
      network = createAwsNetwork();
    } else if (flags.provider === 'alibaba') {
      // the runtime's own: VPC replication over the provider's clients, and the doctor's
      // Cloud Assistant check (bot/runtime/provider.ts createNetworkCloud)
      if (!runtime.network) throw new Error('--provider alibaba without the Alibaba network');
      network = runtime.network;
    } else {
      const file = join(paths.runbookDir, 'sim', 'world.yaml');
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
        const out = await withNetworkRuntime(name, flags, ({ runtime, runbook, network: cloud }) =>
          replicateTier(runtime, cloud, runbook, {
            ...(flags.cidrRemap ? { cidrRemap: parseCidrRemap(flags.cidrRemap) } : {}),
            replicatedBy: 'cli',
          }),
        );
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({ mappings: out.mappings, created: out.created, reused: out.reused, notes: out.notes }, null, 2)}\n`,
          );
          return;
        }
        for (const line of replicationLines(out)) process.stdout.write(`${line}\n`);
      } catch (err) {
        printError(err, (line) => process.stderr.write(`${line}\n`));
        process.exitCode = 1;
      }
    });
}
