/** JSON Schema fragments that several actions' inputs share. */
import { DURATION_FORMAT, MAX_DURATION } from '../../duration.js';

export const duration = {
  type: 'string',
  pattern: '^(?:\\d+(?:ms|s|m|h|d))+$',
  format: DURATION_FORMAT,
  description: `A duration: 90s, 15m, 1h (at most ${MAX_DURATION}).`,
};

export const instanceList = {
  description: 'Instance ids, usually `${{ steps.<launch>.outputs.instanceIds }}`.',
  type: 'array',
  items: { type: 'string', minLength: 1 },
};

export const side = {
  enum: ['recovery', 'protected'],
  description:
    'Which region to act in. `recovery` (the default) is where instances are recovered: spec.target for drill and failover, spec.source for failback. `protected` is the other one.',
};

export const dirList = (description: string) => ({ type: 'array', items: { type: 'string' }, description });
