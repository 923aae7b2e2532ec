/**
 * Paces work per Slack channel: at most one tick per interval per channel, however many events
 * arrive. Slack rate-limits chat.update to about one call per second per channel, so updates
 * are coalesced: marks during the cool-down collapse into one tick when it ends.
 */

export type Scheduler = (fn: () => void, ms: number) => { cancel(): void };

export const realScheduler: Scheduler = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  timer.unref?.();
  return { cancel: () => clearTimeout(timer) };
};

interface ChannelState {
  phase: 'idle' | 'scheduled' | 'running' | 'cooling';
  /** Work arrived during a tick or the cool-down: tick again when the cool-down ends. */
  pending: boolean;
  timer?: { cancel(): void };
}

export class ChannelPacer {
  private readonly channels = new Map<string, ChannelState>();

  constructor(
    private readonly intervalMs: number,
    private readonly tick: (channel: string) => Promise<void>,
    private readonly schedule: Scheduler = realScheduler,
  ) {}

  /** Says the channel has work; it runs on the next allowed tick. */
  mark(channel: string): void {
    const state = this.channels.get(channel) ?? { phase: 'idle', pending: false };
    this.channels.set(channel, state);
    if (state.phase !== 'idle') {
      if (state.phase !== 'scheduled') state.pending = true;
      return;
    }
    state.phase = 'scheduled';
    // 0 ms: events published in the same turn share the first tick.
    state.timer = this.schedule(() => this.run(channel, state), 0);
  }

  private run(channel: string, state: ChannelState): void {
    state.phase = 'running';
    state.pending = false;
    void this.tick(channel)
      .catch(() => undefined)
      .finally(() => {
        state.phase = 'cooling';
        state.timer = this.schedule(() => {
          if (state.pending) this.run(channel, state);
          else {
            state.phase = 'idle';
            state.timer = undefined;
          }
        }, this.intervalMs);
      });
  }

  /** True while work is scheduled, running, or waiting for the cool-down to end. */
  hasPending(): boolean {
    for (const state of this.channels.values()) {
      if (state.phase === 'scheduled' || state.phase === 'running' || state.pending) return true;
    }
    return false;
  }

  /** Stops every timer; pending work is dropped. */
  close(): void {
    for (const state of this.channels.values()) state.timer?.cancel();
    this.channels.clear();
  }
}
