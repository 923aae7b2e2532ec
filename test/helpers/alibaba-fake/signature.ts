/**
 * Verifies an ACS3-HMAC-SHA256 request the way Alibaba Cloud's gateway does. The product SDKs
 * (@alicloud/ecs20140526 7.x, vpc20160428 7.x, alidns20150109 4.x) call through
 * @alicloud/openapi-core 1.0.x, whose callApi signs with ACS3-HMAC-SHA256 (doRequest →
 * Utils.getAuthorization) unless the config asks for the old "v2" HMAC-SHA1 RPC signature:
 *
 *   canonical = METHOD \n pathname \n sorted k=encode(v) & … \n headers(k:v\n…) \n signedHeaders \n x-acs-content-sha256
 *   Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=a;b,Signature=hex(hmac(secret, "ACS3-HMAC-SHA256\n" + hex(sha256(canonical))))
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Percent-encoding of the SDK (RFC 3986: encodeURIComponent plus !'()*). */
export function acsEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/!/g, '%21')
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/\*/g, '%2A');
}

/** Decoded query parameters of a raw query string, in order (no `+` → space: the SDK sends %20). */
export function parseQuery(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
    out[key] = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
  }
  return out;
}

export interface SignedRequest {
  method: string;
  pathname: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Why a signature is refused, or undefined when it is valid for `secretOf(accessKeyId)`. */
export function verifyAcs3(
  req: SignedRequest,
  secretOf: (accessKeyId: string) => string | undefined,
): { code: string; message: string } | undefined {
  const auth = String(req.headers.authorization ?? '');
  const match = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(
    auth,
  );
  if (!match)
    return { code: 'MissingAuthorization', message: `not an ACS3-HMAC-SHA256 Authorization: ${auth}` };
  const [, accessKeyId, signedHeaders, signature] = match as unknown as [string, string, string, string];
  const secret = secretOf(accessKeyId);
  if (secret === undefined)
    return { code: 'InvalidAccessKeyId.NotFound', message: 'Specified access key is not found.' };
  const payloadHash = createHash('sha256').update(req.body).digest('hex');
  if (req.headers['x-acs-content-sha256'] !== payloadHash)
    return { code: 'IncompleteSignature', message: 'x-acs-content-sha256 does not match the body' };
  const names = signedHeaders.split(';');
  for (const required of ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce'])
    if (!names.includes(required))
      return { code: 'IncompleteSignature', message: `${required} is not signed` };
  const query = Object.keys(req.query)
    .sort()
    .map((k) => `${k}=${acsEncode(req.query[k] as string)}`)
    .join('&');
  const headers = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim()}\n`).join('');
  const canonical = [req.method, req.pathname, query, headers, signedHeaders, payloadHash].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
  const expected = createHmac('sha256', secret).update(stringToSign).digest('hex');
  if (expected !== signature)
    return {
      code: 'SignatureDoesNotMatch',
      message: 'The request signature does not conform to Aliyun standards.',
    };
  return undefined;
}
