/**
 * The Lambda run driver: "advance this run (later)" is one SQS message. The worker function
 * consumes it, calls `engine.advance(runId)` and sends the next message with a delay for the
 * run's `wakeAt`. SQS delays stop at 15 minutes, so a longer wait is a chain of messages: each
 * wake-up finds nothing due yet and re-enqueues for the remainder.
 *
 * Standard queues have no deduplication and deliver at least once. That is harmless: the engine's
 * lease makes a second concurrent `advance` a no-op (`advanced: false`), and an `advance` with
 * nothing due only reschedules.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DrbotError } from '../../errors.js';

/** SQS's ceiling for `DelaySeconds`. */
export const MAX_DELAY_SECONDS = 900;

/**
 * The message body the worker understands. Versioned so a deploy never misreads old messages.
 * `kick`: something happened (start, approval, abort) — must be seen even if another worker is
 * mid-advance, so it is retried briefly when the lease is taken. `wake`: a timer for `wakeAt`;
 * when the lease is taken the holder schedules the next one, so it is dropped.
 */
export interface RunMessage {
  v: 1;
  runId: string;
  kind: 'kick' | 'wake';
  /** How many times a kick already found the lease taken. */
  retry?: number;
  /**
   * A cloud event woke the run (bot/lambda/events.ts): what finished. The worker advances with
   * its polls due now (`advance(runId, { wake })`). Sent as a kick, so a taken lease retries it.
   */
  wake?: string;
}

export interface SqsRunDriverOptions {
  /** An SQSClient for the queue's region; injected so tests pass a mock or a loopback endpoint. */
  client: Pick<SQSClient, 'send'>;
  /** The queue URL (env `DRBOT_QUEUE_URL` on Lambda). */
  queueUrl: string;
}

/** Seconds to wait before the next `advance` for a run that wants to wake at `wakeAt`. */
export function delayFor(wakeAt: number | undefined, now: number): number {
  if (wakeAt === undefined || !Number.isFinite(wakeAt)) return 0;
  const seconds = Math.ceil((wakeAt - now) / 1000);
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, seconds));
}

export function encodeRunMessage(message: Omit<RunMessage, 'v'>): string {
  return JSON.stringify({ v: 1, ...message } satisfies RunMessage);
}

/** Parses a queue message body; a malformed body is a bug or a stray producer, never retried. */
export function decodeRunMessage(body: string): RunMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (cause) {
    throw badMessage(body, cause);
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    (parsed as { v?: unknown }).v !== 1 ||
    typeof (parsed as { runId?: unknown }).runId !== 'string' ||
    (parsed as { runId: string }).runId.length === 0
  ) {
    throw badMessage(body);
  }
  const { runId, kind, retry, wake } = parsed as {
    runId: string;
    kind?: unknown;
    retry?: unknown;
    wake?: unknown;
  };
  return {
    v: 1,
    runId,
    kind: kind === 'wake' ? 'wake' : 'kick',
    ...(typeof retry === 'number' && Number.isInteger(retry) && retry > 0 ? { retry } : {}),
    ...(typeof wake === 'string' && wake.length > 0 ? { wake: wake.slice(0, 200) } : {}),
  };
}

function badMessage(body: string, cause?: unknown): DrbotError {
  return new DrbotError(`The worker received a queue message it cannot read: ${body.slice(0, 120)}`, {
    code: 'BAD_QUEUE_MESSAGE',
    explanation:
      'drbot messages are JSON `{"v":1,"runId":"…"}`; this one came from another producer or version.',
    action: 'Remove the message from the dead-letter queue; check what else sends to the drbot queue.',
    cause,
  });
}

/** Implements the bot's `driver` on Lambda: `kick` enqueues, the worker advances. */
export class SqsRunDriver {
  readonly #client: Pick<SQSClient, 'send'>;
  readonly #queueUrl: string;

  constructor(options: SqsRunDriverOptions) {
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
  }

  /** Asks a worker to advance `runId` after `delaySeconds` (clamped to 0–900). */
  kick(runId: string, delaySeconds = 0, retry?: number, wake?: string): Promise<void> {
    return this.send(
      { runId, kind: 'kick', ...(retry ? { retry } : {}), ...(wake ? { wake } : {}) },
      delaySeconds,
    );
  }

  /** The Waker on Lambda: a cloud event's kick, so the next advance polls at once. */
  wake(runId: string, reason: string): Promise<void> {
    return this.kick(runId, 0, undefined, reason);
  }

  /** Re-enqueues for the run's next wake-up; nothing to do when it only waits on people or is done. */
  async schedule(runId: string, wakeAt: number | undefined, now: number): Promise<number | undefined> {
    if (wakeAt === undefined) return undefined;
    const delay = delayFor(wakeAt, now);
    await this.send({ runId, kind: 'wake' }, delay);
    return delay;
  }

  private async send(message: Omit<RunMessage, 'v'>, delaySeconds: number): Promise<void> {
    const { runId } = message;
    const delay = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(delaySeconds)));
    try {
      await this.#client.send(
        new SendMessageCommand({
          QueueUrl: this.#queueUrl,
          MessageBody: encodeRunMessage(message),
          DelaySeconds: delay,
        }),
      );
    } catch (cause) {
      throw new DrbotError(`Could not queue run ${runId} for the worker.`, {
        code: 'QUEUE_SEND_FAILED',
        explanation: `SQS SendMessage to ${this.#queueUrl} failed: ${cause instanceof Error ? cause.message : String(cause)}.`,
        action:
          'Check the queue exists and the function role may sqs:SendMessage to it; the run is saved and resumes on the next kick.',
        cause,
        context: { runId },
      });
    }
  }
}
