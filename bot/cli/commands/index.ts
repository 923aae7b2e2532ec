import type { Command } from 'commander';
import { registerBlueprintCommand } from './blueprint.js';
import { registerDocs } from './docs.js';
import { registerDoctorCommand } from './doctor.js';
import { registerLint } from './lint.js';
import { registerNetworkCommand } from './network.js';
import { registerPlan } from './plan.js';
import { registerPolicy } from './policy.js';
import { registerProtectCommand } from './protect.js';
import { registerReportCommand } from './report.js';
import { registerRunCommand } from './run.js';
import { registerServe } from './serve.js';
import { registerShell } from './shell.js';
import { registerSlackCommand } from './slack.js';

/** Every subcommand registers itself here; keep one file per command. */
export function registerCommands(program: Command): void {
  registerLint(program);
  registerPlan(program);
  registerDocs(program);
  registerShell(program);
  registerServe(program);
  registerRunCommand(program);
  registerProtectCommand(program);
  registerNetworkCommand(program);
  registerBlueprintCommand(program);
  registerDoctorCommand(program);
  registerSlackCommand(program);
  registerReportCommand(program);
  registerPolicy(program);
}
