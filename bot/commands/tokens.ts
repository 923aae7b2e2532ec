/**
 * Splits a command line into words. Quotes group words (`reason="too risky"`, `"too risky"`);
 * Slack's typographic quotes count as quotes because its clients replace straight ones.
 */

export type Lexed = { ok: true; tokens: string[] } | { ok: false; problem: string };

const OPENERS: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’' };

export function tokenize(input: string): Lexed {
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let closer: string | undefined;
  for (const ch of input) {
    if (closer !== undefined) {
      if (ch === closer || (closer === '”' && ch === '"')) closer = undefined;
      else current += ch;
      continue;
    }
    const opened = OPENERS[ch];
    if (opened !== undefined) {
      closer = opened;
      inToken = true;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
      continue;
    }
    current += ch;
    inToken = true;
  }
  if (closer !== undefined)
    return { ok: false, problem: `A quote is not closed: add the closing ${closer}.` };
  if (inToken) tokens.push(current);
  return { ok: true, tokens };
}
