/**
 * What loading a run for an advance costs in store reads: the runbook snapshot is read once per
 * engine (it is immutable under its content hash), each advance still gets its own copy, and the
 * outbox repair's audit read does not wait for the runbook read, and is skipped when the loaded
 * version's outbox is one this engine appended itself.
 */
import { describe, expect, it } from 'vitest';
import type { RunStore } from '../../../engine/ports.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness } from './harness.js';

/** Wraps the harness store's reads, recording `getDoc>`/`<getDoc` and `listAudit>`/`<listAudit`. */
function recordReads(inner: RunStore) {
  const calls: string[] = [];
  const store = Object.create(inner) as RunStore;
  store.getDoc = async <T>(kind: string, id: string) => {
    calls.push(`${kind}>`);
    const doc = await inner.getDoc<T>(kind, id);
    calls.push(`<${kind}`);
    return doc;
  };
  store.listAudit = async (runId: string, afterSeq?: number) => {
    calls.push('listAudit>');
    const events = await inner.listAudit(runId, afterSeq);
    calls.push('<listAudit');
    return events;
  };
  return { store, calls };
}

describe('opening a run', () => {
  const runbook = makeRunbook({
    steps: [
      { id: 'a', action: 'test.slow', with: { polls: 2, pollMs: 1000 } },
      { id: 'b', action: 'test.ok', needs: ['a'] },
    ],
  });

  it('reads the runbook snapshot once per engine, and gives every advance its own copy', async () => {
    const h = createHarness();
    const run = await h.start(runbook);
    const reads = recordReads(h.store);
    const engine = h.worker('worker-2', reads.store);
    const first = await engine.advance(run.id);
    h.clock.advanceTo(first.wakeAt ?? 0);
    await engine.advance(run.id);
    h.clock.advanceTo((await engine.advance(run.id)).wakeAt ?? h.clock.now());
    const done = await engine.advance(run.id);
    expect(done.status).toBe('succeeded');
    expect(reads.calls.filter((c) => c === 'runbook>')).toHaveLength(1);
    // A copy per call: changing one does not reach the next.
    const a = await engine.runbookOf(done.run);
    a.metadata.name = 'changed';
    expect((await engine.runbookOf(done.run)).metadata.name).toBe(runbook.metadata.name);
  });

  it('does not read back the snapshot the same engine just stored at start', async () => {
    const h = createHarness();
    const reads = recordReads(h.store);
    const engine = h.worker('worker-2', reads.store);
    const run = await engine.startRun({ runbook, mode: 'drill', initiator: 'ian' });
    await engine.advance(run.id);
    expect(reads.calls.filter((c) => c === 'runbook>')).toEqual([]);
  });

  it('starts the outbox repair read before the runbook read has answered', async () => {
    const h = createHarness();
    const run = await h.start(runbook);
    const reads = recordReads(h.store);
    await h.worker('worker-2', reads.store).advance(run.id);
    const opened = reads.calls.slice(0, 4);
    expect(opened.indexOf('listAudit>')).toBeGreaterThanOrEqual(0);
    expect(opened.indexOf('listAudit>')).toBeLessThan(opened.indexOf('<runbook'));
  });

  it('skips the repair read for an outbox this engine appended, not for one another writer saved', async () => {
    const h = createHarness();
    const reads = recordReads(h.store);
    const engine = h.worker('worker-2', reads.store);
    const run = await engine.startRun({ runbook, mode: 'drill', initiator: 'ian' });
    const first = await engine.advance(run.id);
    expect(first.advanced).toBe(true);
    await engine.advance(run.id);
    expect(reads.calls.filter((c) => c === 'listAudit>')).toEqual([]);
    // Another worker saves the run (an abort request): its outbox is checked against the trail.
    await h.worker('worker-3').abort(run.id, 'ian', 'stop');
    await engine.advance(run.id);
    expect(reads.calls.filter((c) => c === 'listAudit>')).toHaveLength(1);
  });

  it('still repairs after its own background append failed', async () => {
    const h = createHarness();
    const run = await h.start(runbook);
    const original = h.store.appendAudit.bind(h.store);
    let fail = true;
    h.store.appendAudit = async (events) => {
      if (fail) {
        fail = false;
        throw new Error('append lost');
      }
      return original(events);
    };
    await expect(h.engine.advance(run.id)).rejects.toThrow('append lost');
    // The same engine opens the run again: the version it saved was never appended whole.
    const listAudit = h.store.listAudit.bind(h.store);
    let trailReads = 0;
    h.store.listAudit = async (runId, afterSeq) => {
      trailReads++;
      return listAudit(runId, afterSeq);
    };
    await h.engine.advance(run.id);
    expect(trailReads).toBeGreaterThan(0);
    const trail = await listAudit(run.id);
    expect(trail.map((e) => e.seq)).toEqual(trail.map((_, i) => i + 1));
    expect(trail.map((e) => e.kind)).toContain('step.started');
  });
});
