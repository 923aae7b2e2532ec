import type { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  decodeRunMessage,
  delayFor,
  encodeRunMessage,
  SqsRunDriver,
} from '../../../../engine/adapters/sqs/driver.js';

function recorder(fail?: Error) {
  const inputs: SendMessageCommand['input'][] = [];
  return {
    inputs,
    client: {
      send: (command: unknown) => {
        if (fail) return Promise.reject(fail);
        inputs.push((command as SendMessageCommand).input);
        return Promise.resolve({});
      },
    },
  };
}

describe('SqsRunDriver', () => {
  it('rounds the wait up to whole seconds and clamps it to 0–900', () => {
    expect(delayFor(10_001, 0)).toBe(11);
    expect(delayFor(-5_000, 0)).toBe(0);
    expect(delayFor(3_600_000, 0)).toBe(900);
    expect(delayFor(undefined, 0)).toBe(0);
  });

  it('kicks with no delay and schedules a wake-up with the delay for wakeAt', async () => {
    const sqs = recorder();
    const driver = new SqsRunDriver({ client: sqs.client as never, queueUrl: 'https://sqs.test/q' });
    await driver.kick('r1');
    expect(await driver.schedule('r1', 125_500, 5_000)).toBe(121);
    expect(await driver.schedule('r1', undefined, 0)).toBeUndefined();
    expect(sqs.inputs).toEqual([
      { QueueUrl: 'https://sqs.test/q', MessageBody: '{"v":1,"runId":"r1","kind":"kick"}', DelaySeconds: 0 },
      {
        QueueUrl: 'https://sqs.test/q',
        MessageBody: '{"v":1,"runId":"r1","kind":"wake"}',
        DelaySeconds: 121,
      },
    ]);
  });

  it('explains a failed send and keeps the run id', async () => {
    const driver = new SqsRunDriver({
      client: recorder(new Error('AccessDenied')).client as never,
      queueUrl: 'q',
    });
    await expect(driver.kick('r9')).rejects.toMatchObject({
      code: 'QUEUE_SEND_FAILED',
      context: { runId: 'r9' },
    });
  });

  it('round-trips messages and refuses bodies from other producers', () => {
    expect(decodeRunMessage(encodeRunMessage({ runId: 'r1', kind: 'kick', retry: 2 }))).toEqual({
      v: 1,
      runId: 'r1',
      kind: 'kick',
      retry: 2,
    });
    expect(() => decodeRunMessage('{"runId":"r1"}')).toThrow(/cannot read/);
    expect(() => decodeRunMessage('hello')).toThrow(/cannot read/);
  });
});
