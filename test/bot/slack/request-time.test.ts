import { describe, expect, it } from 'vitest';
import { lambdaRequestRefusal, requestTimeRefusal } from '../../../bot/slack/request-time.js';

const NOW = 1_800_000_000_000;
const at = (offsetSeconds: number) => String(NOW / 1000 + offsetSeconds);

describe('Slack request time', () => {
  it('accepts up to 5 minutes either way and refuses more, in the future as in the past', () => {
    expect(requestTimeRefusal(at(0), NOW)).toBeUndefined();
    expect(requestTimeRefusal(at(300), NOW)).toBeUndefined();
    expect(requestTimeRefusal(at(-300), NOW)).toBeUndefined();
    expect(requestTimeRefusal(at(301), NOW)).toBe('request timestamp is 301s in the future');
    expect(requestTimeRefusal(at(-360), NOW)).toBe('request timestamp is 360s old');
  });

  it('leaves a missing or malformed header to Bolt, and reads API Gateway headers in any case', () => {
    expect(requestTimeRefusal(undefined, NOW)).toBeUndefined();
    expect(requestTimeRefusal('soon', NOW)).toBeUndefined();
    expect(lambdaRequestRefusal({ 'X-Slack-Request-Timestamp': at(400) }, NOW)).toMatch(/future/);
    expect(lambdaRequestRefusal(undefined, NOW)).toBeUndefined();
  });
});
