/** approval: an engine-native wait for a two-person (or N-person) gate; see engine/executor/gates.ts. */
import { defineAction } from '../types.js';

export default defineAction({
  name: 'approval',
  typicalDuration: '5m',
  native: true,
  description:
    'Waits until the named approval gate is opened by enough distinct approvers (or fails on reject/timeout).',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['gate'],
    properties: { gate: { type: 'string', description: 'A gate name from spec.approvals.' } },
  },
  outputs: { approvers: 'The users whose approvals opened the gate.' },
  effects: () => [],
});
