/** agent.measureRpo: reads the newest RPO marker on the recovered copies (the measured data loss). */
import { AGENT_DOCUMENTS, readMarkParameters } from '../../../agent/commands.js';
import { formatDuration } from '../../duration.js';
import { NonRetryableError } from '../../errors.js';
import { dirList, instanceList } from '../support/schemas.js';
import { defineAction } from '../types.js';
import { AGENT_PERMISSIONS, agentHandler, type CommandAction, describeFailures, dirs } from './command.js';

const measureRpo: CommandAction<'read-mark'> = {
  name: 'agent.measureRpo',
  command: 'read-mark',
  document: AGENT_DOCUMENTS.readMark,
  defaultSide: 'recovery',
  protectedDefault: false,
  parameters: (ctx) => readMarkParameters({ dirs: dirs(ctx, 'agent.measureRpo') }),
  finish(ctx, results) {
    const found = results.flatMap((o) =>
      o.result?.marker ? [{ instanceId: o.instanceId, marker: o.result.marker }] : [],
    );
    for (const o of results.filter((r) => !r.result?.marker)) {
      ctx.note(`No RPO marker read on ${o.instanceId}: ${o.failure ?? 'none found'}`, {
        instanceId: o.instanceId,
      });
    }
    const newest = found.reduce<(typeof found)[number] | undefined>(
      (best, f) =>
        !best ||
        f.marker.time > best.marker.time ||
        (f.marker.time === best.marker.time && f.marker.seq > best.marker.seq)
          ? f
          : best,
      undefined,
    );
    if (!newest) {
      throw new NonRetryableError(`No RPO marker found on ${results.map((o) => o.instanceId).join(', ')}`, {
        code: 'AGENT_NO_RPO_MARKER',
        explanation: `The recovered copies carry no drbot RPO marker (${describeFailures(results)}), so the data loss cannot be measured.`,
        action:
          'Run agent.install on the protected instances (it writes the marker every minute) and check that `dirs` names the protected mounts.',
      });
    }
    const markerAt = newest.marker.time * 1000;
    // data written after the declared disaster is not loss: measure from the declaration
    const rpoMeasuredMs = Math.max(0, (ctx.declaredAt ?? ctx.runStartedAt) - markerAt);
    ctx.note(
      `Measured RPO ${formatDuration(rpoMeasuredMs)}: newest marker ${newest.marker.timeIso} (seq ${newest.marker.seq}, written by ${newest.marker.instanceId}) on ${newest.instanceId}`,
      { markerAt, rpoMeasuredMs, instanceId: newest.instanceId, seq: newest.marker.seq },
    );
    return { status: 'done', outputs: { markerAt, rpoMeasuredMs }, measures: { rpoMeasuredMs } };
  },
};

export default defineAction({
  name: 'agent.measureRpo',
  typicalDuration: '30s',
  description:
    'Reads the newest RPO marker on the recovered instances; measured RPO = declaration time − marker time.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['instances'],
    properties: { instances: instanceList, dirs: dirList('Mount points to read markers from.') },
  },
  outputs: {
    markerAt: 'Time of the newest marker (epoch ms).',
    rpoMeasuredMs: 'Measured data loss in ms.',
  },
  capabilities: ['commands'],
  permissions: AGENT_PERMISSIONS,
  // reading the RPO marker is read-only
  effects: () => [{ verb: 'read', scope: 'recovery', what: 'RPO markers (agent read-mark)' }],
  handler: agentHandler(measureRpo),
});
