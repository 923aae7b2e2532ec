/**
 * `drbot report <run> [--format md|html] [--out file]`: a run's report from the embedded store
 * (the run id, its last characters, or `last`).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { NotFoundError } from '../../../engine/errors.js';
import type { GateRecord, Run } from '../../../engine/run.js';
import type { Runbook } from '../../../engine/runbook/types.js';
import { openLocalStore } from '../../embedded/local-store.js';
import { type ReportFormat, renderReport } from '../../report/report.js';
import { dataDirOption, resolveCliPaths } from '../paths.js';
import { printError } from './run.js';

interface ReportFlags {
  format: ReportFormat;
  out?: string;
  dataDir?: string;
}

export function registerReportCommand(program: Command): void {
  const command = program
    .command('report')
    .description(
      'Write a run report: timeline chart, RTO/RPO vs objectives, approvals, cleanup, audit trail.',
    )
    .argument('<run>', 'run id, the end of it (e.g. 4XQ2B7), or last')
    .addOption(new Option('--format <format>', 'md or html').choices(['md', 'html']).default('md'))
    .option('--out <file>', 'write to this file instead of stdout');
  dataDirOption(command).action(async (id: string, flags: ReportFlags) => {
    try {
      const local = await openLocalStore({ dataDir: join(resolveCliPaths(flags).dataDir, 'dynamo') });
      try {
        const store = local.store;
        const run = await findRun(store, id);
        const runbook = (await store.getDoc<Runbook>('runbook', run.runbook.hash)) ?? undefined;
        const gates: GateRecord[] = [];
        for (const [key, step] of Object.entries(run.steps)) {
          if (!step.gate) continue;
          const gate = await store.getGate(run.id, key);
          if (gate) gates.push(gate);
        }
        const audit = await store.listAudit(run.id);
        const text = renderReport(
          { run, ...(runbook ? { runbook } : {}), audit, gates, now: Date.now() },
          flags.format,
        );
        if (flags.out) {
          await writeFile(flags.out, text);
          process.stderr.write(`wrote ${flags.out}\n`);
        } else process.stdout.write(text);
      } finally {
        await local.close();
      }
    } catch (err) {
      printError(err, (line) => process.stderr.write(`${line}\n`));
      process.exitCode = 1;
    }
  });
}

async function findRun(store: Awaited<ReturnType<typeof openLocalStore>>['store'], id: string): Promise<Run> {
  const recent = await store.listRuns({ limit: 100 });
  const needle = id.toLowerCase();
  const match =
    needle === 'last'
      ? recent[0]
      : (recent.find((r) => r.id.toLowerCase() === needle) ??
        (needle.length >= 3 ? recent.filter((r) => r.id.toLowerCase().endsWith(needle))[0] : undefined));
  const run = match ? await store.getRun(match.id) : await store.getRun(id);
  if (run) return run;
  throw new NotFoundError(`There is no run "${id}" in this data directory.`, {
    code: 'RUN_NOT_FOUND',
    explanation: 'No run has that id, and no recent run id ends with it.',
    action: 'Run `drbot report last`, or type `runs` in `drbot shell` to see recent run ids.',
  });
}
