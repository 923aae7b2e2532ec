/**
 * Slack's request timestamp, checked both ways. Bolt's receivers (HTTPReceiver's verify and
 * AwsLambdaReceiver) refuse a request older than 5 minutes but accept one from the future, so a
 * request signed with a clock set ahead (or captured and held) would stay replayable for as long
 * as it is ahead. drbot refuses a skew of more than 5 minutes either way, before Bolt sees the
 * request; Bolt still verifies the signature of every request it lets through.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** Slack's own rule: a request may be at most 5 minutes away from now. */
export const MAX_SKEW_SECONDS = 300;

const HEADER = 'x-slack-request-timestamp';

/**
 * Why the request time is refused, or undefined when it is within 5 minutes either way. A missing
 * or malformed header is left to Bolt, which refuses it too.
 */
export function requestTimeRefusal(header: string | string[] | undefined, nowMs: number): string | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  const skew = Number(text) - Math.floor(nowMs / 1000);
  if (skew > MAX_SKEW_SECONDS) return `request timestamp is ${skew}s in the future`;
  if (skew < -MAX_SKEW_SECONDS) return `request timestamp is ${-skew}s old`;
  return undefined;
}

/** Wraps an HTTPReceiver's request listener: a request outside the window gets 401, no body. */
export function guardRequestListener(
  receiver: { requestListener: RequestListener },
  now: () => number = Date.now,
  log?: (message: string) => void,
): void {
  const inner = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const refusal = requestTimeRefusal(req.headers[HEADER], now());
    if (refusal === undefined) return inner(req, res);
    log?.(`Refused a Slack request: ${refusal} (more than ${MAX_SKEW_SECONDS}s either way).`);
    res.writeHead(401);
    res.end();
  };
}

/** The same check for an API Gateway event (header names in any case). */
export function lambdaRequestRefusal(
  headers: Record<string, string | undefined> | null | undefined,
  nowMs: number,
): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === HEADER);
  return requestTimeRefusal(entry?.[1], nowMs);
}
