/**
 * Per-instance sandbox directories for the agent integration: an instance's files live in
 * `${root}/${instanceId}`, a recovery point's in `${root}/${pointId}`. Protect copies instance →
 * point and launch copies point → new instance, so RPO markers travel with the data.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentOutput, AgentRunner } from './types.js';

export class Sandbox {
  constructor(
    readonly root: string,
    private readonly runner?: AgentRunner,
  ) {}

  dirOf(id: string): string {
    return join(this.root, id);
  }

  ensure(id: string): string {
    const dir = this.dirOf(id);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  remove(id: string): void {
    rmSync(this.dirOf(id), { recursive: true, force: true });
  }

  /** Replaces `to`'s directory with a copy of `from`'s (an empty one when `from` has none). */
  copy(from: string, to: string): void {
    const target = this.dirOf(to);
    rmSync(target, { recursive: true, force: true });
    const source = this.dirOf(from);
    if (existsSync(source)) cpSync(source, target, { recursive: true });
    else mkdirSync(target, { recursive: true });
  }

  get hasRunner(): boolean {
    return this.runner !== undefined;
  }

  /** Runs an agent document on the instance's sandbox at sim time `now`. */
  async run(
    instanceId: string,
    document: string,
    parameters: Record<string, string[]>,
    now: number,
  ): Promise<AgentOutput> {
    if (!this.runner) return { exitCode: 0, stdout: '{"ok":true}', stderr: '' };
    const instanceDir = this.ensure(instanceId);
    try {
      return await this.runner({ instanceId, instanceDir, document, parameters, now });
    } catch (err) {
      // a crashing runner is an instance-level failure, reported like a failed invocation
      return { exitCode: 1, stdout: '', stderr: err instanceof Error ? err.message : String(err) };
    }
  }
}
