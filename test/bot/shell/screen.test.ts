import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPainter } from '../../../bot/shell/paint.js';
import { Screen } from '../../../bot/shell/screen.js';
import { Terminal } from '../support/terminal.js';

/** A TTY-like stream feeding the emulator, and a screen drawing into it like the shell does. */
function setup(columns: number, paint = createPainter(false)) {
  const term = new Terminal(columns);
  const out = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        term.write(String(chunk));
        done();
      },
    }),
    { isTTY: true, columns },
  );
  // readline's prompt(true): go to column 1, clear below, write the prompt
  const prompt = () => out.write('\u001b[1G\u001b[0Jalice> ');
  const screen = new Screen({ out, live: true, redrawPrompt: prompt, paint });
  /** What a person does: types a line and presses Enter (the terminal echoes it, then CR LF). */
  const type = (line: string) => {
    out.write(`${line}\r\n`);
    screen.echoed(line, 'alice> ');
    screen.typed(`alice> ${line}`);
  };
  return { term, screen, type };
}

const block = (n: number) => ({
  lines: [
    `┌ [web-tier 4XQ2B7] Drill · web-tier · RUNNING ${n}`,
    '│ ▰▰▱▱ 2/4 · now: launch',
    '└ abort: alice',
  ],
  progress: `progress ${n}`,
});

describe('Screen (live block)', () => {
  it('close() leaves the transcript and no frozen block (quitting while a block is drawn)', () => {
    const { term, screen, type } = setup(80);
    screen.setStatus('R1', block(1));
    type('wait');
    screen.log(['[web-tier 4XQ2B7] 🏁 Run succeeded in 13s']);
    screen.close();
    const lines = term.lines();
    expect(lines.join('\n')).toContain('alice> wait\n[web-tier 4XQ2B7] 🏁 Run succeeded in 13s');
    expect(lines.filter((l) => /^[┌│└]/.test(l))).toEqual([]);
  });

  for (const columns of [80, 200]) {
    it(`keeps typed lines and replies in the scrollback at ${columns} columns`, () => {
      const { term, screen, type } = setup(columns);
      screen.log(['drbot shell — welcome']);
      screen.setStatus('R1', block(1));
      type('status');
      screen.log(['[web-tier 4XQ2B7] reply to status']);
      screen.setStatus('R1', block(2));
      type(`abort last ${'x'.repeat(columns + 10)}`);
      screen.log(['[web-tier 4XQ2B7] 🛑 abort requested']);
      screen.refresh();
      const lines = term.lines();
      const transcript = lines.join('\n');
      expect(transcript).toContain('alice> status\n[web-tier 4XQ2B7] reply to status');
      expect(transcript).toContain('[web-tier 4XQ2B7] 🛑 abort requested');
      expect(lines.filter((l) => l.startsWith('alice> abort last'))).toHaveLength(1);
      // the block appears once, below the transcript, and only its newest version
      expect(lines.filter((l) => l.startsWith('┌'))).toEqual([
        `┌ [web-tier 4XQ2B7] Drill · web-tier · RUNNING 2`,
      ]);
      expect(lines.indexOf('┌ [web-tier 4XQ2B7] Drill · web-tier · RUNNING 2')).toBeGreaterThan(
        lines.findIndex((l) => l.includes('abort requested')),
      );
      expect(lines.at(-1)).toBe('alice>');
    });
  }

  it('keeps lines typed ahead (echoed together) in order, once each', () => {
    const { term, screen } = setup(80);
    screen.setStatus('R1', block(1));
    const out = (screen as unknown as { options: { out: NodeJS.WritableStream } }).options.out;
    out.write('runs\r\nwait\r\n');
    screen.echoed('runs', 'alice> ');
    screen.echoed('wait', 'alice> ');
    screen.typed('alice> runs');
    screen.log(['reply to runs']);
    screen.typed('alice> wait');
    screen.log(['reply to wait']);
    const lines = term.lines();
    expect(lines.filter((l) => l.startsWith('┌'))).toHaveLength(1);
    expect(lines.join('\n')).toContain('alice> runs\nreply to runs\nalice> wait\nreply to wait');
  });

  it('never writes control characters from text it shows (no title change)', () => {
    const { term, screen } = setup(80);
    screen.log(['abort reason: \u001b]0;pwned\u0007 done']);
    expect(term.titles).toEqual([]);
    expect(term.lines().join('\n')).toContain('abort reason: \\x1b]0;pwned\\x07 done');
  });

  it('colours only when asked (NO_COLOR and pipes get plain words)', () => {
    const coloured = createPainter(true)('[web-tier 4XQ2B7] ✅ SUCCEEDED');
    expect(coloured).toContain('\u001b[');
    expect(createPainter(false)('SUCCEEDED')).toBe('SUCCEEDED');
  });
});

describe('colourEnabled', () => {
  it('honours NO_COLOR, TERM=dumb and non-TTY output', async () => {
    const { colourEnabled } = await import('../../../bot/shell/paint.js');
    expect(colourEnabled(true, {})).toBe(true);
    expect(colourEnabled(true, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled(true, { TERM: 'dumb' })).toBe(false);
    expect(colourEnabled(false, {})).toBe(false);
  });
});
