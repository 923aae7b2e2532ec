/**
 * What the executor tells the store a save changed (RunChanges, issue #20): each save names the
 * steps its transitions touched, a poll handle without an audit event included, and a save
 * after steps were added (rollback's compensations) names nothing, so it is written whole.
 */
import { describe, expect, it } from 'vitest';
import type { MemoryRunStore } from '../../../engine/adapters/memory/store.js';
import type { RunChanges } from '../../../engine/ports.js';
import type { Run } from '../../../engine/run.js';
import { makeRunbook } from '../../helpers/runbook.js';
import { createHarness } from './harness.js';

interface Save {
  version: number;
  stepKeys: string[];
  changes: string[] | 'whole';
}

/** Records every saveRun's changed steps, and which step states really differ from the previous save. */
function recordSaves(store: MemoryRunStore): Save[] {
  const saves: Save[] = [];
  const previous = new Map<string, Run>();
  const save = store.saveRun.bind(store);
  store.saveRun = async (run: Run, expected: number, changes?: RunChanges) => {
    await save(run, expected, changes);
    const before = previous.get(run.id) ?? (await store.getRun(run.id));
    const differ = Object.keys(run.steps).filter(
      (key) => JSON.stringify(run.steps[key]) !== JSON.stringify(before?.steps[key]),
    );
    saves.push({
      version: run.version,
      stepKeys: differ,
      changes: changes ? [...changes.steps].sort() : 'whole',
    });
    previous.set(run.id, structuredClone(run));
  };
  const create = store.createRun.bind(store);
  store.createRun = async (run: Run) => {
    await create(run);
    previous.set(run.id, structuredClone(run));
  };
  return saves;
}

describe('executor saves name the steps they changed', () => {
  it('names each wave’s started and finished steps, and a poll handle’s step', async () => {
    const h = createHarness({ concurrency: 2 });
    const saves = recordSaves(h.store);
    const run = await h.run(
      makeRunbook({
        steps: [
          { id: 'a', action: 'test.ok' },
          { id: 'b', action: 'test.slow', with: { polls: 1, pollMs: 1000 } },
          { id: 'c', action: 'test.ok', needs: ['a'] },
        ],
      }),
    );
    expect(run.status).toBe('succeeded');
    expect(saves.length).toBeGreaterThan(2);
    for (const save of saves) {
      expect(save.changes).not.toBe('whole');
      // Every step that differs is named (names of unchanged steps are harmless, but none here).
      expect(save.changes).toEqual([...save.stepKeys].sort());
    }
    expect(saves.some((save) => save.changes !== 'whole' && save.changes.includes('b'))).toBe(true);
  });

  it('writes the save that adds compensation steps whole, and names steps again after it', async () => {
    const h = createHarness();
    const saves = recordSaves(h.store);
    const run = await h.run(
      makeRunbook({
        steps: [
          { id: 'network', action: 'test.ok', compensate: { action: 'test.ok' } },
          {
            id: 'dns',
            action: 'test.fail',
            needs: ['network'],
            with: { error: 'nonretryable' },
            onFailure: 'rollback',
          },
        ],
      }),
    );
    expect(run.status).toBe('failed');
    const grown = saves.findIndex((save) => save.stepKeys.includes('compensate:network'));
    expect(saves[grown]?.changes).toBe('whole');
    const after = saves.slice(grown + 1);
    expect(after.length).toBeGreaterThan(0);
    for (const save of after) expect(save.changes).toEqual([...save.stepKeys].sort());
  });
});
