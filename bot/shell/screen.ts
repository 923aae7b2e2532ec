/**
 * The shell's output. On a TTY a live status block (one per run in flight) is redrawn below the
 * log and above the prompt, Hubot/Errbot-shell style; elsewhere (pipes, CI) it prints plain log
 * lines plus one progress line whenever a run's progress changes, so scripts can grep it.
 */
import { clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import { visible } from '../render/visible.js';
import type { Painter } from './paint.js';

export interface ScreenOptions {
  out: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Redraw in place (a TTY) or append plain lines. */
  live: boolean;
  /** Redraws the prompt with the typed input after output (readline's `prompt(true)`). */
  redrawPrompt?: () => void;
  /** Terminal width for clipping status lines. @default out.columns or 100 */
  columns?: () => number;
  /** Colours a finished line (picocolors); identity without colour. @default no colour */
  paint?: Painter;
}

export class Screen {
  private readonly blocks = new Map<string, { lines: string[]; progress: string }>();
  private drawn = 0;
  /** Terminal rows of submitted lines echoed below the block and not yet rewritten above it. */
  private pendingEcho = 0;

  constructor(private readonly options: ScreenOptions) {}

  get live(): boolean {
    return this.options.live;
  }

  /** Prints lines above the status block (the thread, replies). */
  log(lines: string[]): void {
    if (lines.length === 0) return;
    const text = `${lines.map((l) => this.finish(l)).join('\n')}\n`;
    if (!this.options.live) {
      this.write(text);
      return;
    }
    this.erase();
    this.write(text);
    this.draw();
  }

  /**
   * A line the person just typed (prompt included). The terminal echoed it below the live block
   * and moved to a new line; it is rewritten above the block so the scrollback reads as a
   * transcript: typed line, then its reply, with only the block itself redrawn.
   */
  typed(promptAndLine: string): void {
    if (!this.options.live) return;
    // Lines typed ahead arrive in one read and are echoed together: the first call erases them
    // all (the later ones are rewritten when their turn comes, so nothing is lost or doubled).
    const rows = this.pendingEcho;
    this.pendingEcho = 0;
    cursorTo(this.options.out, 0);
    moveCursor(this.options.out, 0, -(rows + this.drawn));
    clearScreenDown(this.options.out);
    this.drawn = 0;
    this.write(`${this.finish(promptAndLine)}\n`);
    this.draw();
  }

  /**
   * Sets a run's status block; `progress` is the one-line form printed in plain mode when it
   * changes. `undefined` removes the block (the run ended; its summary went to the log).
   */
  setStatus(runId: string, block: { lines: string[]; progress: string } | undefined): void {
    const before = this.blocks.get(runId);
    if (block === undefined) this.blocks.delete(runId);
    else this.blocks.set(runId, block);
    if (!this.options.live) {
      if (block && block.progress !== before?.progress) this.write(`${this.finish(block.progress)}\n`);
      return;
    }
    this.erase();
    this.draw();
  }

  /**
   * The shell is leaving: the live blocks go, so the scrollback ends with the transcript and the
   * summaries, never a frozen "RUNNING" block (a run still in flight is named in the goodbye).
   */
  close(): void {
    if (!this.options.live) return;
    this.blocks.clear();
    this.erase();
  }

  /** Redraws the live block (elapsed time moves even when no event arrives). */
  refresh(): void {
    if (!this.options.live || this.blocks.size === 0) return;
    this.erase();
    this.draw();
  }

  private erase(): void {
    const out = this.options.out;
    // Clear the prompt line, then the status lines above it.
    cursorTo(out, 0);
    if (this.drawn > 0) moveCursor(out, 0, -this.drawn);
    clearScreenDown(out);
    this.drawn = 0;
  }

  /**
   * The terminal echoed a submitted line (readline's 'line' event, before the line is handled).
   * Only the first of a batch follows the prompt; type-ahead lines are echoed bare.
   */
  echoed(line: string, prompt: string): void {
    if (!this.options.live) return;
    const text = this.pendingEcho === 0 ? `${prompt}${line}` : line;
    this.pendingEcho += Math.max(1, Math.ceil([...text].length / (this.columns() + 1)));
  }

  private columns(): number {
    return Math.max(
      20,
      (this.options.columns?.() ?? (this.options.out as NodeJS.WriteStream).columns ?? 100) - 1,
    );
  }

  /** Control characters shown escaped, then colour: the only escapes written are drbot's own. */
  private finish(line: string): string {
    const plain = visible(line);
    return this.options.paint ? this.options.paint(plain) : plain;
  }

  private draw(): void {
    const width = this.columns();
    const lines = [...this.blocks.values()]
      .flatMap((b) => b.lines)
      .map((l) => this.finish(clip(visible(l), width)));
    if (lines.length > 0) this.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
    this.options.redrawPrompt?.();
  }

  private write(text: string): void {
    this.options.out.write(text);
  }
}

/** Clips to the terminal width so a status line never wraps (wrapping breaks the redraw). */
function clip(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`;
}
