/**
 * `drbot lint [paths...]`: checks runbooks (files or directories, default runbooks/) and prints
 * every issue gcc-style. Exits 1 on any error, 0 when there are only warnings or none.
 */
import type { Command } from 'commander';
import { formatIssue, type RunbookIssue } from '../../../engine/runbook/errors.js';
import { loadRunbookPath } from '../../runbooks/repository.js';
import { resolveCliPaths } from '../paths.js';

export interface LintSummary {
  files: number;
  runbooks: string[];
  issues: RunbookIssue[];
}

export async function lintPaths(paths: string[]): Promise<LintSummary> {
  const summary: LintSummary = { files: 0, runbooks: [], issues: [] };
  for (const path of paths.length > 0 ? paths : [resolveCliPaths().runbookDir]) {
    const { runbooks, issues } = await loadRunbookPath(path);
    summary.runbooks.push(...runbooks.keys());
    summary.issues.push(...issues);
    summary.files += new Set([
      ...issues.map((issue) => issue.file),
      ...[...runbooks.values()].map((r) => r.file),
    ]).size;
  }
  return summary;
}

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description(
      'Check runbooks against the schema and the safety rules; prints file:line:col for each problem.',
    )
    .argument('[paths...]', 'runbook files or directories', [])
    .option('--json', 'print the issues as JSON')
    .action(async (paths: string[], options: { json?: boolean }) => {
      const summary = await lintPaths(paths);
      const errors = summary.issues.filter((issue) => issue.severity === 'error').length;
      const warnings = summary.issues.length - errors;
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ runbooks: summary.runbooks, issues: summary.issues }, null, 2)}\n`,
        );
      } else {
        for (const issue of summary.issues) process.stdout.write(`${formatIssue(issue)}\n`);
        const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
        process.stdout.write(
          errors + warnings === 0
            ? `ok: ${count(summary.runbooks.length, 'runbook')} clean (${summary.runbooks.join(', ') || 'none found'})\n`
            : `${count(errors, 'error')}, ${count(warnings, 'warning')} (${count(summary.files, 'file')} checked)\n`,
        );
      }
      process.exitCode = errors > 0 ? 1 : 0;
    });
}
