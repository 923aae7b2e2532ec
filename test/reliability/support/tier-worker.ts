/**
 * The worker process of the tier kill-and-resume soak (test/reliability/tier-kill-resume.test.ts):
 * the drill worker's pieces (dynalite on disk, the persisted sim, the real actions, the engine,
 * the local driver), walking one tier's lifecycle instead of drills: failover → switch-point →
 * commit → reprotect → failback, `cycles` times. Each step is chosen from the tier state as
 * read (reconciled) on start, so a successor resumes wherever a SIGKILL left the last one.
 *
 * Prints one JSON line `{ done: true, ... }` when it finishes without being killed.
 */
import { join } from 'node:path';
import { startEmbeddedDynamo } from '../../../bot/embedded/dynalite.js';
import { simStateStore } from '../../../bot/runtime/sim-provider.js';
import { createActionRegistry } from '../../../engine/actions/registry.js';
import { DynamoRunStore } from '../../../engine/adapters/dynamodb/store.js';
import { SeededRandom } from '../../../engine/adapters/memory/clock.js';
import { generateWorld } from '../../../engine/adapters/sim/generate-world.js';
import { SimCloud } from '../../../engine/adapters/sim/sim-cloud.js';
import { LocalDriver } from '../../../engine/driver/local-driver.js';
import { createEngine } from '../../../engine/executor/index.js';
import type { Run } from '../../../engine/run.js';
import { loadRunbook } from '../../../engine/runbook/load.js';
import { STALE_CLAIM_MS } from '../../../engine/tier/store.js';
import { durableClock, instrumentCloud, instrumentStore, killSwitch } from './drill-worker.js';

export interface TierWorkerOptions {
  dataDir: string;
  instances: number;
  /** Full failover → failback cycles to complete. */
  cycles: number;
  killAfter: number;
  seed: number;
  leaseMs: number;
}

export const TIER_NAME = 'soak-tier';

export const TIER_RUNBOOK = `apiVersion: drbot/v1
kind: Runbook
metadata: { name: ${TIER_NAME}, description: Kill-and-resume tier lifecycle }
spec:
  source: { region: us-east-1 }
  target: { region: us-west-2 }
  objectives: { rto: 15m, rpo: 24h }
  protect: { tags: { dr-tier: app } }
  access: { drill: { users: ["*"] }, failover: { users: [olivia] }, failback: { users: [olivia] } }
  owners: { users: [olivia] }
  approvals:
    cutover: { required: 2, excludeInitiator: true, approvers: { users: [alice, bob, carol] } }
    retire-target: { required: 2, excludeInitiator: true, approvers: { users: [alice, bob, carol] } }
  defaults: { instanceType: t3.large, retention: 24 }
  modes:
    failover:
      steps:
        # after a failback the live copies are new: capture them first (the protection schedule's job)
        - { id: protect, action: recovery.protect, with: { retention: 24 } }
        - { id: rpo-gate, action: recovery.latestPoint, needs: [protect], with: { maxAge: 24h } }
        - { id: cutover-approval, action: approval, needs: [rpo-gate], with: { gate: cutover } }
        - id: launch
          action: ec2.launch
          needs: [cutover-approval]
          with: { launchType: CUTOVER, from: "\${{ steps.rpo-gate.outputs.points }}", network: production }
          retry: { maxAttempts: 3, initialInterval: 10s, backoffCoefficient: 2 }
        - id: wait-healthy
          action: ec2.waitHealthy
          needs: [launch]
          with: { instances: "\${{ steps.launch.outputs.instanceIds }}" }
          rto: end
        - id: retire-previous
          action: ec2.terminate
          needs: [wait-healthy]
          when: \${{ params.switchFrom }}
          with: { ofRun: "\${{ params.switchFrom }}" }
    failback:
      steps:
        - { id: protect, action: recovery.protect, with: { retention: 24 } }
        - { id: rpo-gate, action: recovery.latestPoint, needs: [protect], with: { maxAge: 24h } }
        - { id: failback-approval, action: approval, needs: [rpo-gate], with: { gate: cutover } }
        - id: launch
          action: ec2.launch
          needs: [failback-approval]
          with: { launchType: CUTOVER, from: "\${{ steps.rpo-gate.outputs.points }}", network: production }
          retry: { maxAttempts: 3, initialInterval: 10s, backoffCoefficient: 2 }
        - id: wait-healthy
          action: ec2.waitHealthy
          needs: [launch]
          with: { instances: "\${{ steps.launch.outputs.instanceIds }}" }
          rto: end
        # the former production copies in us-west-2 retire (behind their own gate), so the next
        # cycle's failover gets their addresses
        - { id: retire-approval, action: approval, needs: [wait-healthy], with: { gate: retire-target } }
        - id: retire-target
          action: ec2.terminate
          needs: [retire-approval]
          with: { protected: true, side: protected }
`;

const TIER_METHODS = ['getTier', 'saveTier'] as const;

export async function runTierWorker(options: TierWorkerOptions): Promise<Record<string, unknown>> {
  const kill = killSwitch(options.killAfter);
  const clock = durableClock(options.dataDir, options.leaseMs);
  const random = new SeededRandom(options.seed);
  const dynamo = await startEmbeddedDynamo({ dataDir: join(options.dataDir, 'dynamo') });
  try {
    const store = instrumentStore(
      new DynamoRunStore({ client: dynamo.client, tableName: 'drbot', createTable: true }),
      kill.boundary,
      TIER_METHODS,
    );
    const states = simStateStore(store);
    const sim = new SimCloud({
      world: generateWorld({ instances: options.instances }),
      clock,
      random,
      state: await states.load(),
      persist: (state) => states.save(state),
    });
    const engine = createEngine({
      store,
      clock,
      random,
      notifier: { publish: async () => undefined },
      directory: { membersOf: async () => [] },
      actions: createActionRegistry({ cloud: instrumentCloud(sim, kill.boundary) }),
      leaseMs: options.leaseMs,
      owner: `tier-worker-${options.seed}`,
      concurrency: 50,
    });
    const driver = new LocalDriver({ engine, clock, busyRetryMs: 1_000 });
    const runbook = loadRunbook(TIER_RUNBOOK, `${TIER_NAME}.yaml`);
    /** Approves every waiting gate step as alice and bob (again after a resume: idempotent). */
    const approveAll = async (run: Run) => {
      for (const [key, step] of Object.entries(run.steps)) {
        if (step.status !== 'waiting') continue;
        for (const user of ['alice', 'bob']) await engine.approve(run.id, key, user).catch(() => undefined);
      }
    };
    /** Runs to the end; a failed run stops the worker loudly instead of looping on the state. */
    const finish = async (runId: string) => {
      const run = await driver.runToCompletion(runId, { onIdle: approveAll });
      const failed = Object.values(run.steps).filter((s) => s.status === 'failed');
      if (run.status !== 'succeeded')
        throw new Error(`${run.mode} ${run.id} ${run.status}: ${JSON.stringify(failed)}`);
      return run;
    };
    const steps: string[] = [];
    // Ended runs whose trail a kill cut short are repaired by reading them.
    for (const s of await store.listRuns({ runbook: TIER_NAME, limit: 1000 })) await engine.getRun(s.id);
    for (let guard = 0; guard < 100; guard++) {
      const tier = await engine.getTier(runbook);
      const cycles = tier.lastFailback?.outcome === 'succeeded' ? countFailbacks(await listed()) : 0;
      if (tier.inFlight) {
        const run = await store.getRun(tier.inFlight.runId);
        if (run) await finish(run.id);
        // a claim whose run a kill kept from being created: stale after STALE_CLAIM_MS
        else clock.advance(STALE_CLAIM_MS + 1);
        steps.push(`resume ${tier.inFlight.mode}`);
        continue;
      }
      const pending = tier.pendingCommit;
      if (pending && !pending.switchedFrom?.length) {
        steps.push('switch-point');
        await finish((await engine.switchPoint(pending.runId, 'latest', 'olivia')).id);
      } else if (pending) {
        steps.push('commit');
        await engine.commit(pending.runId, 'bob');
      } else if (tier.active.side === 'target' && tier.protection.direction !== 'target→source') {
        steps.push('reprotect');
        await engine.reprotect(runbook, 'olivia');
      } else if (tier.active.side === 'target') {
        steps.push('failback');
        await finish((await engine.startRun({ runbook, mode: 'failback', initiator: 'olivia' })).id);
      } else if (cycles < options.cycles) {
        steps.push('failover');
        clock.advance(10 * 60_000);
        await finish((await engine.startRun({ runbook, mode: 'failover', initiator: 'olivia' })).id);
      } else {
        return { done: true, steps, ops: kill.ops() };
      }
    }
    throw new Error(`the tier did not settle: ${steps.join(' → ')}`);

    async function listed(): Promise<Run[]> {
      const summaries = await store.listRuns({ runbook: TIER_NAME, limit: 1000 });
      return (await Promise.all(summaries.map((s) => store.getRun(s.id)))).filter((r): r is Run => !!r);
    }
  } finally {
    await dynamo.close();
  }
}

function countFailbacks(runs: Run[]): number {
  return runs.filter((r) => r.mode === 'failback' && r.status === 'succeeded').length;
}

const isMain = process.argv[1]?.endsWith('tier-worker.ts') || process.argv[1]?.endsWith('tier-worker.mjs');
if (isMain) {
  const options = JSON.parse(process.argv[2] ?? '{}') as TierWorkerOptions;
  const result = await runTierWorker(options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
