import { describe, expect, it } from 'vitest';
import { formatEvent } from '../../../bot/runtime/progress.js';
import type { AuditEvent } from '../../../engine/run.js';

describe('CLI progress lines', () => {
  it('say an error once when the audit message already quotes it', () => {
    const error = { message: 'Cannot launch m5.large', explanation: 'e', action: 'a', code: 'X' };
    const event: AuditEvent = {
      runId: 'R',
      seq: 4,
      at: 0,
      kind: 'step.failed',
      actor: 'drbot',
      stepKey: 'launch',
      message: 'launch failed: Cannot launch m5.large',
      error,
    };
    const line = formatEvent({ createdAt: 0 }, event);
    expect(line.split('Cannot launch m5.large')).toHaveLength(2);
    expect(formatEvent({ createdAt: 0 }, { ...event, message: 'launch failed.' })).toContain(
      'launch failed. — Cannot launch m5.large',
    );
  });
});
