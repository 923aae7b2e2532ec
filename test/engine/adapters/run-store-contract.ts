/**
 * The RunStore contract, run against every store (memory, DynamoDB on dynalite) so the engine
 * can rely on the same conditional semantics whichever store it is given.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../engine/errors.js';
import type { RunStore } from '../../../engine/ports.js';
import type { AuditEvent, GateRecord, Run } from '../../../engine/run.js';
import type { Mode } from '../../../engine/runbook/types.js';
import type { TierState } from '../../../engine/tier/types.js';

/** Returns a fresh, empty store for each test. */
export type RunStoreFactory = () => Promise<RunStore>;

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

export function makeRun(id: string, overrides: Partial<Run> = {}): Run {
  return {
    id,
    runbook: { name: 'app-tier', hash: 'sha256:abc' },
    mode: 'drill',
    initiator: 'U0ALICE',
    params: { reason: 'weekly' },
    status: 'running',
    phase: 'main',
    createdAt: T0,
    updatedAt: T0,
    steps: {
      launch: { id: 'launch', phase: 'main', action: 'ec2.launch', status: 'pending', attempt: 0 },
    },
    measures: { objectives: { rtoMs: 900_000, rpoMs: 3_600_000 } },
    meta: { channel: 'C0DRILLS' },
    version: 1,
    auditSeq: 0,
    ...overrides,
  };
}

export function makeEvent(runId: string, seq: number, message = `event ${seq}`): AuditEvent {
  return { runId, seq, at: T0 + seq, kind: 'step.note', actor: 'drbot', message, data: { seq } };
}

export function makeTier(version: number): TierState {
  return {
    runbook: 'app-tier',
    version,
    active: { side: 'source', region: 'us-east-1', since: T0 },
    protection: {
      direction: 'source→target',
      state: 'protecting',
      inventory: [{ instanceId: 'i-1', sourceId: 'i-1' }],
    },
    applied: [],
    updatedAt: T0,
  };
}

function makeGate(runId: string, required = 2): GateRecord {
  return { runId, stepKey: 'cutover-approval', gate: 'cutover', required, approvals: [] };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to be rejected'),
    (err: unknown) => err,
  );
}

export function describeRunStoreContract(name: string, factory: RunStoreFactory): void {
  describe(`RunStore contract: ${name}`, () => {
    describe('runs', () => {
      it('returns a created run as an equal copy that callers cannot mutate', async () => {
        const store = await factory();
        const run = makeRun('R1');
        await store.createRun(run);
        run.status = 'failed';
        const loaded = await store.getRun('R1');
        expect(loaded).toEqual(makeRun('R1'));
        loaded!.steps.launch!.status = 'succeeded';
        expect((await store.getRun('R1'))!.steps.launch!.status).toBe('pending');
      });

      it('answers undefined for an unknown run', async () => {
        const store = await factory();
        expect(await store.getRun('nope')).toBeUndefined();
      });

      it('refuses to create a run whose id exists and keeps the first one', async () => {
        const store = await factory();
        await store.createRun(makeRun('R1'));
        const err = await rejection(store.createRun(makeRun('R1', { initiator: 'U0MALLORY' })));
        expect(err).toBeInstanceOf(ConflictError);
        expect(err).toMatchObject({
          code: 'RUN_EXISTS',
          explanation: expect.any(String),
          action: expect.any(String),
        });
        expect((await store.getRun('R1'))!.initiator).toBe('U0ALICE');
      });

      it('saves when the expected version matches and refuses a stale version', async () => {
        const store = await factory();
        await store.createRun(makeRun('R1'));
        await store.saveRun(makeRun('R1', { version: 2, status: 'succeeded' }), 1);
        const err = await rejection(store.saveRun(makeRun('R1', { version: 2, status: 'failed' }), 1));
        expect(err).toBeInstanceOf(ConflictError);
        expect(err).toMatchObject({ code: 'RUN_VERSION_CONFLICT' });
        expect(await store.getRun('R1')).toMatchObject({ version: 2, status: 'succeeded' });
      });

      it('refuses to save a run that was never created', async () => {
        const store = await factory();
        const err = await rejection(store.saveRun(makeRun('R9', { version: 2 }), 1));
        expect(err).toBeInstanceOf(ConflictError);
        expect(await store.getRun('R9')).toBeUndefined();
      });

      it('lets exactly one of two concurrent saves from the same version win', async () => {
        const store = await factory();
        await store.createRun(makeRun('R1'));
        const results = await Promise.allSettled(
          ['failed', 'succeeded'].map((status) =>
            store.saveRun(makeRun('R1', { version: 2, status: status as Run['status'] }), 1),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(loser.reason).toBeInstanceOf(ConflictError);
      });

      it('lists runs newest first, limited, filtered by runbook and mode, with saved status', async () => {
        const store = await factory();
        const specs: [string, string, Mode, number][] = [
          ['R1', 'app-tier', 'drill', 1],
          ['R2', 'db-tier', 'drill', 2],
          ['R3', 'app-tier', 'failover', 3],
          ['R4', 'app-tier', 'drill', 4],
          ['R5', 'app-tier', 'drill', 4],
        ];
        for (const [id, runbook, mode, minute] of specs) {
          await store.createRun(
            makeRun(id, { runbook: { name: runbook, hash: 'h' }, mode, createdAt: T0 + minute * 60_000 }),
          );
        }
        const saved = {
          version: 2,
          status: 'succeeded' as const,
          endedAt: T0 + 600_000,
          createdAt: T0 + 60_000,
        };
        await store.saveRun(makeRun('R1', saved), 1);
        const ids = async (query: Parameters<RunStore['listRuns']>[0]) =>
          (await store.listRuns(query)).map((s) => s.id);
        expect(await ids({})).toEqual(['R5', 'R4', 'R3', 'R2', 'R1']);
        expect(await ids({ limit: 2 })).toEqual(['R5', 'R4']);
        expect(await ids({ runbook: 'app-tier' })).toEqual(['R5', 'R4', 'R3', 'R1']);
        expect(await ids({ mode: 'drill' })).toEqual(['R5', 'R4', 'R2', 'R1']);
        expect(await ids({ runbook: 'app-tier', mode: 'drill', limit: 3 })).toEqual(['R5', 'R4', 'R1']);
        expect(await ids({ runbook: 'web-tier' })).toEqual([]);
        const [r1] = await store
          .listRuns({ runbook: 'app-tier', mode: 'drill', limit: 3 })
          .then((l) => l.slice(2));
        expect(r1).toEqual({
          id: 'R1',
          runbook: 'app-tier',
          mode: 'drill',
          initiator: 'U0ALICE',
          status: 'succeeded',
          createdAt: T0 + 60_000,
          endedAt: T0 + 600_000,
          measures: { objectives: { rtoMs: 900_000, rpoMs: 3_600_000 } },
        });
      });

      it('lists at most 20 runs by default', async () => {
        const store = await factory();
        await Promise.all(
          Array.from({ length: 23 }, (_, i) =>
            store.createRun(makeRun(`R${100 + i}`, { createdAt: T0 + i })),
          ),
        );
        const listed = await store.listRuns({});
        expect(listed).toHaveLength(20);
        expect(listed[0]!.id).toBe('R122');
      });
    });

    describe('audit', () => {
      it('reads events in seq order, optionally after a seq, per run', async () => {
        const store = await factory();
        await store.appendAudit([makeEvent('R1', 3), makeEvent('R1', 1)]);
        await store.appendAudit([makeEvent('R1', 2), makeEvent('R2', 1), makeEvent('R1', 10)]);
        expect((await store.listAudit('R1')).map((e) => e.seq)).toEqual([1, 2, 3, 10]);
        expect((await store.listAudit('R1', 2)).map((e) => e.seq)).toEqual([3, 10]);
        expect(await store.listAudit('R1', 10)).toEqual([]);
        expect(await store.listAudit('R2')).toEqual([makeEvent('R2', 1)]);
        expect(await store.listAudit('R3')).toEqual([]);
      });

      it('rejects a duplicate seq, keeps the first event and still writes the fresh ones', async () => {
        const store = await factory();
        await store.appendAudit([makeEvent('R1', 1, 'first')]);
        const err = await rejection(store.appendAudit([makeEvent('R1', 1, 'second'), makeEvent('R1', 2)]));
        expect(err).toBeInstanceOf(ConflictError);
        expect(err).toMatchObject({ code: 'AUDIT_SEQ_CONFLICT', message: expect.stringContaining('1') });
        expect((await store.listAudit('R1')).map((e) => e.message)).toEqual(['first', 'event 2']);
      });

      it('lets exactly one of many concurrent writers claim a seq', async () => {
        const store = await factory();
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => store.appendAudit([makeEvent('R1', 1, `writer ${i}`)])),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(await store.listAudit('R1')).toHaveLength(1);
      });

      it('writes concurrent appends of neighbouring seqs once each, refusing repeated ones', async () => {
        const store = await factory();
        const fresh = Array.from({ length: 40 }, (_, i) => [makeEvent('R1', i + 1, `fresh ${i + 1}`)]);
        const repeats = [5, 16, 17, 33].map((seq) => [
          makeEvent('R1', seq, 'repeat'),
          makeEvent('R1', seq + 100),
        ]);
        const results = await Promise.allSettled(
          [...fresh, ...repeats].map((batch) => store.appendAudit(batch)),
        );
        const trail = await store.listAudit('R1');
        expect(trail.map((e) => e.seq)).toEqual([
          ...Array.from({ length: 40 }, (_, i) => i + 1),
          ...[105, 116, 117, 133],
        ]);
        // Each contested seq went to one writer; the other was told (and its fresh event written).
        expect(results.filter((r) => r.status === 'rejected')).toHaveLength(4);
        expect(await store.listAudit('R1', 16)).toEqual(trail.filter((e) => e.seq > 16));
      });

      it('stores a large event whole, and refuses its seq to a large or small second writer', async () => {
        const store = await factory();
        const large: AuditEvent = { ...makeEvent('R1', 2), data: { runbook: 'step '.repeat(20_000) } };
        await store.appendAudit([makeEvent('R1', 1), large, makeEvent('R1', 3)]);
        await expect(store.appendAudit([{ ...large, message: 'again' }])).rejects.toMatchObject({
          code: 'AUDIT_SEQ_CONFLICT',
        });
        await expect(store.appendAudit([makeEvent('R1', 2, 'small')])).rejects.toMatchObject({
          code: 'AUDIT_SEQ_CONFLICT',
        });
        expect(await store.listAudit('R1')).toEqual([makeEvent('R1', 1), large, makeEvent('R1', 3)]);
        expect(await store.listAudit('R1', 1)).toEqual([large, makeEvent('R1', 3)]);
      });
    });

    describe('leases', () => {
      it('gives a free lease, refuses another owner until expiry, then lets it steal', async () => {
        const store = await factory();
        expect(await store.acquireLease('R1', 'w1', T0, 1000)).toBe(true);
        expect(await store.acquireLease('R1', 'w2', T0 + 999, 1000)).toBe(false);
        expect(await store.acquireLease('R1', 'w2', T0 + 1000, 1000)).toBe(true);
        expect(await store.acquireLease('R1', 'w1', T0 + 1500, 1000)).toBe(false);
        expect(await store.acquireLease('R2', 'w1', T0 + 1500, 1000)).toBe(true);
      });

      it('renews for the owner, extending the expiry', async () => {
        const store = await factory();
        await store.acquireLease('R1', 'w1', T0, 1000);
        expect(await store.acquireLease('R1', 'w1', T0 + 800, 1000)).toBe(true);
        expect(await store.acquireLease('R1', 'w2', T0 + 1200, 1000)).toBe(false);
        expect(await store.acquireLease('R1', 'w2', T0 + 1800, 1000)).toBe(true);
      });

      it('releases only for the owner', async () => {
        const store = await factory();
        await store.acquireLease('R1', 'w1', T0, 1000);
        await store.releaseLease('R1', 'w2');
        expect(await store.acquireLease('R1', 'w2', T0 + 1, 1000)).toBe(false);
        await store.releaseLease('R1', 'w1');
        expect(await store.acquireLease('R1', 'w2', T0 + 2, 1000)).toBe(true);
        await store.releaseLease('R9', 'w1');
      });

      it('gives a contested free lease to exactly one of many workers', async () => {
        const store = await factory();
        const won = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.acquireLease('R1', `w${i}`, T0, 1000)),
        );
        expect(won.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('locks', () => {
      it('is exclusive, names the holder, re-acquires for the holder and frees on release', async () => {
        const store = await factory();
        expect(await store.acquireLock('runbook:app-tier', 'R1', T0)).toEqual({ acquired: true });
        expect(await store.acquireLock('runbook:app-tier', 'R2', T0)).toEqual({
          acquired: false,
          holder: 'R1',
        });
        expect(await store.acquireLock('runbook:app-tier', 'R1', T0 + 1)).toEqual({ acquired: true });
        expect(await store.acquireLock('runbook:db-tier', 'R2', T0)).toEqual({ acquired: true });
        await store.releaseLock('runbook:app-tier', 'R2');
        expect(await store.acquireLock('runbook:app-tier', 'R3', T0)).toEqual({
          acquired: false,
          holder: 'R1',
        });
        await store.releaseLock('runbook:app-tier', 'R1');
        expect(await store.acquireLock('runbook:app-tier', 'R3', T0)).toEqual({ acquired: true });
      });

      it('gives a contested lock to exactly one holder', async () => {
        const store = await factory();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.acquireLock('runbook:app-tier', `R${i}`, T0)),
        );
        const winners = results.filter((r) => r.acquired);
        expect(winners).toHaveLength(1);
        const holders = new Set(results.flatMap((r) => (r.acquired ? [] : [r.holder])));
        expect(holders.size).toBe(1);
      });
    });

    describe('gates', () => {
      it('opens a gate once and returns the stored one afterwards', async () => {
        const store = await factory();
        expect(await store.openGate(makeGate('R1'))).toEqual(makeGate('R1'));
        expect(await store.openGate(makeGate('R1', 5))).toEqual(makeGate('R1'));
        expect(await store.getGate('R1', 'cutover-approval')).toEqual(makeGate('R1'));
        expect(await store.getGate('R1', 'other')).toBeUndefined();
      });

      it('counts a user once, opens at the required count, then closes to others', async () => {
        const store = await factory();
        await store.openGate(makeGate('R1'));
        const first = await store.recordApproval('R1', 'cutover-approval', 'U0BOB', T0 + 1);
        expect(first).toMatchObject({
          counted: true,
          opened: false,
          gate: { approvals: [{ user: 'U0BOB', at: T0 + 1 }] },
        });
        const again = await store.recordApproval('R1', 'cutover-approval', 'U0BOB', T0 + 2);
        expect(again).toMatchObject({ counted: false, reason: 'already-approved' });
        expect(again.gate.approvals).toHaveLength(1);
        const second = await store.recordApproval('R1', 'cutover-approval', 'U0CAROL', T0 + 3);
        expect(second).toMatchObject({
          counted: true,
          opened: true,
          gate: { decision: { outcome: 'approved', by: 'U0CAROL', at: T0 + 3 } },
        });
        const late = await store.recordApproval('R1', 'cutover-approval', 'U0DAVE', T0 + 4);
        expect(late).toMatchObject({ counted: false, reason: 'gate-closed' });
        expect((await store.getGate('R1', 'cutover-approval'))!.approvals.map((a) => a.user)).toEqual([
          'U0BOB',
          'U0CAROL',
        ]);
      });

      it('refuses approvals on a gate decided by a reject, and decides only once', async () => {
        const store = await factory();
        await store.openGate(makeGate('R1'));
        const reject = { outcome: 'rejected' as const, by: 'U0BOB', at: T0 + 1, reason: 'not now' };
        expect(await store.decideGate('R1', 'cutover-approval', reject)).toMatchObject({
          applied: true,
          gate: { decision: reject },
        });
        const timeout = { outcome: 'timed-out' as const, by: 'drbot', at: T0 + 2 };
        expect(await store.decideGate('R1', 'cutover-approval', timeout)).toMatchObject({
          applied: false,
          gate: { decision: reject },
        });
        expect(await store.recordApproval('R1', 'cutover-approval', 'U0CAROL', T0 + 3)).toMatchObject({
          counted: false,
          reason: 'gate-closed',
        });
      });

      it('completes an opening interrupted between the quorum and the decision write', async () => {
        const store = await factory();
        const approvals = [
          { user: 'U0BOB', at: T0 },
          { user: 'U0CAROL', at: T0 + 1 },
        ];
        await store.openGate({ ...makeGate('R1'), approvals });
        const again = await store.recordApproval('R1', 'cutover-approval', 'U0CAROL', T0 + 2);
        expect(again).toMatchObject({ counted: false, reason: 'already-approved' });
        expect(again.gate).toEqual({
          ...makeGate('R1'),
          approvals,
          decision: { outcome: 'approved', by: 'U0CAROL', at: T0 + 2 },
        });
        expect((await store.getGate('R1', 'cutover-approval'))!.decision).toMatchObject({
          outcome: 'approved',
        });
      });

      it('never counts a third approver on a full quorum whose decision write was lost', async () => {
        const store = await factory();
        const approvals = [
          { user: 'U0BOB', at: T0 },
          { user: 'U0CAROL', at: T0 + 1 },
        ];
        await store.openGate({ ...makeGate('R1', 2), approvals });
        const third = await store.recordApproval('R1', 'cutover-approval', 'U0DAVE', T0 + 2);
        expect(third).toMatchObject({ counted: false, reason: 'gate-closed' });
        const gate = (await store.getGate('R1', 'cutover-approval'))!;
        expect(gate.approvals).toEqual(approvals);
        expect(gate.decision).toMatchObject({ outcome: 'approved' });
      });

      it('stores exactly `required` approvals under 30 concurrent clicks from 6 users', {
        timeout: 60_000,
      }, async () => {
        const store = await factory();
        await store.openGate(makeGate('R1', 2));
        const users = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6'];
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            store.recordApproval('R1', 'cutover-approval', users[i % users.length]!, T0 + i),
          ),
        );
        const gate = (await store.getGate('R1', 'cutover-approval'))!;
        expect(gate.approvals).toHaveLength(2);
        expect(results.filter((r) => r.counted)).toHaveLength(2);
        expect(results.filter((r) => r.counted && r.opened)).toHaveLength(1);
        expect(gate.decision).toMatchObject({ outcome: 'approved' });
      });

      it('reports a gate that was never opened', async () => {
        const store = await factory();
        expect(await rejection(store.recordApproval('R1', 'nope', 'U0BOB', T0))).toBeInstanceOf(
          NotFoundError,
        );
        const decision = { outcome: 'timed-out' as const, by: 'drbot', at: T0 };
        expect(await rejection(store.decideGate('R1', 'nope', decision))).toBeInstanceOf(NotFoundError);
      });

      // 400 requests against dynalite: give a loaded 2-core machine room.
      it('opens exactly once under 200 concurrent approvals from 5 users', { timeout: 60_000 }, async () => {
        const store = await factory();
        await store.openGate(makeGate('R1', 2));
        const users = ['U1', 'U2', 'U3', 'U4', 'U5'];
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            store.recordApproval('R1', 'cutover-approval', users[i % users.length]!, T0 + i),
          ),
        );
        expect(results.filter((r) => r.counted && r.opened)).toHaveLength(1);
        const gate = (await store.getGate('R1', 'cutover-approval'))!;
        const recorded = gate.approvals.map((a) => a.user);
        expect(new Set(recorded).size).toBe(recorded.length);
        expect(recorded.length).toBe(2);
        const countedUsers = results.flatMap((r) => (r.counted ? [r.gate.approvals.at(-1)!.user] : []));
        expect(countedUsers.length).toBe(recorded.length);
        expect(gate.decision).toMatchObject({ outcome: 'approved' });
        const opener = results.find((r) => r.counted && r.opened)!;
        expect(gate.decision!.by).toBe(opener.gate.decision!.by);
      });

      it('hands out gate copies that callers cannot mutate', async () => {
        const store = await factory();
        const opened = await store.openGate(makeGate('R1'));
        opened.approvals.push({ user: 'U0EVE', at: T0 });
        const write = await store.recordApproval('R1', 'cutover-approval', 'U0BOB', T0);
        write.gate.approvals.push({ user: 'U0EVE', at: T0 });
        expect((await store.getGate('R1', 'cutover-approval'))!.approvals).toEqual([
          { user: 'U0BOB', at: T0 },
        ]);
      });
    });

    describe('tiers', () => {
      it('answers undefined for a tier never written, then the created state as a copy', async () => {
        const store = await factory();
        expect(await store.getTier('app-tier')).toBeUndefined();
        const tier = makeTier(1);
        await store.saveTier(tier, 0);
        tier.active.region = 'mutated';
        const loaded = await store.getTier('app-tier');
        expect(loaded).toEqual(makeTier(1));
        loaded!.active.region = 'mutated';
        expect((await store.getTier('app-tier'))!.active.region).toBe('us-east-1');
      });

      it('saves only from the stored version and names both versions when it refuses', async () => {
        const store = await factory();
        await store.saveTier(makeTier(1), 0);
        const again = await rejection(store.saveTier(makeTier(1), 0));
        expect(again).toBeInstanceOf(ConflictError);
        expect(again).toMatchObject({ code: 'TIER_VERSION_CONFLICT', action: expect.any(String) });
        await store.saveTier(
          { ...makeTier(2), active: { side: 'target', region: 'us-west-2', since: T0 } },
          1,
        );
        const stale = await rejection(store.saveTier(makeTier(2), 1));
        expect(stale).toMatchObject({
          code: 'TIER_VERSION_CONFLICT',
          context: { expectedVersion: 1, storedVersion: 2 },
        });
        expect((await store.getTier('app-tier'))!.active.side).toBe('target');
      });

      it('lets exactly one of two writers racing from one version win', async () => {
        const store = await factory();
        await store.saveTier(makeTier(1), 0);
        const writers = ['R-A', 'R-B'].map((runId) =>
          store.saveTier({ ...makeTier(2), inFlight: { runId, mode: 'failover', since: T0, by: 'U0A' } }, 1),
        );
        const results = await Promise.allSettled(writers);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
        const winner = results[0]!.status === 'fulfilled' ? 'R-A' : 'R-B';
        expect((await store.getTier('app-tier'))!.inFlight?.runId).toBe(winner);
      });

      it('keeps the tiers of different runbooks apart', async () => {
        const store = await factory();
        await store.saveTier(makeTier(1), 0);
        await store.saveTier({ ...makeTier(1), runbook: 'db-tier' }, 0);
        expect((await store.getTier('db-tier'))!.runbook).toBe('db-tier');
        expect((await store.getTier('app-tier'))!.runbook).toBe('app-tier');
      });
    });

    describe('docs', () => {
      it('round-trips, overwrites and separates documents by kind and id', async () => {
        const store = await factory();
        const doc = { mapping: { 'i-1': 'i-2' }, list: [1, 'two', { three: true }], empty: '' };
        await store.putDoc('mapping', 'app-tier', doc);
        await store.putDoc('sim', 'app-tier', { other: 1 });
        doc.list.push(4);
        expect(await store.getDoc('mapping', 'app-tier')).toEqual({
          mapping: { 'i-1': 'i-2' },
          list: [1, 'two', { three: true }],
          empty: '',
        });
        await store.putDoc('mapping', 'app-tier', { replaced: true });
        expect(await store.getDoc('mapping', 'app-tier')).toEqual({ replaced: true });
        expect(await store.getDoc('sim', 'app-tier')).toEqual({ other: 1 });
        expect(await store.getDoc('mapping', 'db-tier')).toBeUndefined();
      });
    });
  });
}
