/**
 * A fake Slack Web API on loopback: answers like Slack (ok, ts, channel …) and records every
 * call, including posts to `response_url`s, so tests assert what a person would see.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
}

export interface FakeSlack {
  url: string;
  apiUrl: string;
  calls: RecordedCall[];
  /** Calls of one Web API method (e.g. `chat.postMessage`) or `respond` for response_url posts. */
  callsOf(method: string): RecordedCall[];
  responseUrl(id: string): string;
  groups: Record<string, string[]>;
  close(): Promise<void>;
}

export async function startFakeSlack(groups: Record<string, string[]> = {}): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  let seq = 0;
  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const body = parseBody(raw, req.headers['content-type'] ?? '');
    const path = req.url ?? '/';
    if (path.startsWith('/respond/')) {
      calls.push({ method: 'respond', body: { ...body, path } });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const method = path.replace(/^\/api\//, '').split('?')[0] ?? '';
    calls.push({ method, body });
    res.writeHead(200, { 'content-type': 'application/json' });
    seq += 1;
    const ts = `1700000000.${String(seq).padStart(6, '0')}`;
    switch (method) {
      case 'auth.test':
        res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'drbot' }));
        return;
      case 'chat.postMessage':
        res.end(JSON.stringify({ ok: true, channel: body.channel, ts, message: { ts, text: body.text } }));
        return;
      case 'chat.update':
        res.end(JSON.stringify({ ok: true, channel: body.channel, ts: body.ts, text: body.text }));
        return;
      case 'chat.postEphemeral':
        res.end(JSON.stringify({ ok: true, message_ts: ts }));
        return;
      case 'usergroups.users.list': {
        const users = groups[String(body.usergroup)];
        res.end(JSON.stringify(users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' }));
        return;
      }
      default:
        res.end(JSON.stringify({ ok: true }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    groups,
    callsOf: (method) => calls.filter((c) => c.method === method),
    responseUrl: (id) => `${url}/respond/${id}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The Web API client sends form-encoded bodies with JSON-encoded nested values. */
function parseBody(raw: string, type: string): Record<string, unknown> {
  if (!raw) return {};
  if (type.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    try {
      out[key] = key === 'blocks' || key === 'attachments' ? JSON.parse(value) : value;
    } catch {
      out[key] = value;
    }
  }
  return out;
}
