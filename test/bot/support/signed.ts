/** Requests signed exactly as Slack signs them: v0 HMAC-SHA256 of `v0:<timestamp>:<raw body>`. */
import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPost {
  status: number;
  text: string;
  json?: unknown;
}

export async function postSigned(
  url: string,
  body: string,
  options: {
    secret: string;
    timestamp?: number;
    signature?: string;
    contentType?: string;
    headers?: Record<string, string>;
  },
): Promise<SignedPost> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(options.secret, timestamp, body),
      ...options.headers,
    },
    body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** A slash command body as Slack sends it (form-encoded). */
export function slashCommandBody(fields: {
  text: string;
  user: string;
  channel?: string;
  responseUrl: string;
  /** Slack gives every invocation its own trigger id; a redelivery repeats it. */
  triggerId?: string;
}): string {
  triggerCount += 1;
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T1',
    team_domain: 'example',
    channel_id: fields.channel ?? 'C0DRILLS',
    channel_name: 'drills',
    user_id: fields.user,
    user_name: fields.user,
    command: '/dr',
    text: fields.text,
    api_app_id: 'A1',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? `${process.pid}.${triggerCount}.${Date.now()}`,
  }).toString();
}

let triggerCount = 0;

/** A block_actions payload as Slack sends it (`payload=` JSON, form-encoded). */
export function blockActionBody(fields: {
  actionId: string;
  value: string;
  user: string;
  channel?: string;
  messageTs?: string;
  /** Omitted for buttons outside channel messages (modals, App Home). */
  responseUrl?: string;
}): string {
  const payload = {
    type: 'block_actions',
    team: { id: 'T1', domain: 'example' },
    user: { id: fields.user, username: fields.user, team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: fields.messageTs ?? '1700000000.000001',
      channel_id: fields.channel ?? 'C0DRILLS',
    },
    trigger_id: '1.2.3',
    channel: { id: fields.channel ?? 'C0DRILLS', name: 'drills' },
    message: { ts: fields.messageTs ?? '1700000000.000001', text: '' },
    ...(fields.responseUrl ? { response_url: fields.responseUrl } : {}),
    actions: [
      {
        type: 'button',
        action_id: fields.actionId,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'x' },
        value: fields.value,
        action_ts: '1700000000.1',
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
