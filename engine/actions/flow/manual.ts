/** manual: an engine-native wait for an operator's confirmation; see engine/executor/approvals.ts. */
import { defineAction } from '../types.js';

export default defineAction({
  name: 'manual',
  typicalDuration: '10m',
  native: true,
  description: 'Waits until an operator confirms that a manual action is done.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['instructions'],
    properties: {
      instructions: { type: 'string', minLength: 1, description: 'What the operator must do.' },
    },
  },
  outputs: { confirmedBy: 'The user who confirmed.' },
  effects: () => [],
});
