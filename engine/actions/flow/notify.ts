/** notify: a note in the run thread and the audit. */
import { invalidInput, optionalString } from '../support/inputs.js';
import { type ActionHandler, defineAction } from '../types.js';

export function notifyHandler(): ActionHandler {
  return {
    start(ctx) {
      const message = optionalString('notify', ctx.inputs, 'message');
      if (!message) throw invalidInput('notify', 'message', 'a non-empty text', message);
      ctx.note(message, { notify: true });
      return Promise.resolve({ status: 'done', outputs: {} });
    },
  };
}

export default defineAction({
  name: 'notify',
  typicalDuration: '5s',
  description: 'Posts a message to the run thread (and the audit).',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['message'],
    properties: { message: { type: 'string', minLength: 1, description: 'The text to post.' } },
  },
  outputs: {},
  effects: () => [],
  handler: notifyHandler,
});
