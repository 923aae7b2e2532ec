/**
 * The action catalogue: every action module under engine/actions/<family>/, read from the
 * generated manifest. The loader, lint, plan, the README reference and the IAM generator all read
 * it; none keeps a list of its own. Pure data until a registry binds the handlers.
 */
import { ACTION_MODULES } from './manifest.generated.js';
import type { ActionModule, ActionSpec } from './types.js';

export { ACTION_MODULES };

/** Every action's definition (an ActionModule is its spec plus the handler factory). */
export const ACTION_SPECS: ActionSpec[] = ACTION_MODULES;

export function actionModule(name: string): ActionModule | undefined {
  return ACTION_MODULES.find((m) => m.name === name);
}
