/**
 * The runbooks shipped inside a function package (serverless.yml `package.patterns`), for the
 * functions that start runs and answer commands (slack, scheduler). Its own module so that the
 * worker, which advances runs from their stored snapshots and starts none, links no YAML parser
 * or schema validator (~270 KiB of its bundle, bench/cold-start.ts).
 */
import type { Runbook } from '../../engine/runbook/types.js';
import { loadRunbookDir } from '../runbooks/repository.js';

/** `dir` as configured (DRBOT_RUNBOOK_DIR), relative to the task root unless absolute. */
export async function loadPackagedRunbooks(
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<Map<string, Runbook>> {
  const root = env.LAMBDA_TASK_ROOT;
  const path = root && !dir.startsWith('/') ? `${root}/${dir}` : dir;
  const loaded = await loadRunbookDir(path);
  for (const issue of loaded.issues) console.error(`drbot: runbook issue: ${JSON.stringify(issue)}`);
  return loaded.runbooks;
}
