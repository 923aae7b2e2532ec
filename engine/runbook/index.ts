/** The runbook format: types, loader, issues. */
export type { IssueSeverity, RunbookIssue } from './errors.js';
export { formatIssue, formatPath, RunbookError } from './errors.js';
export type { CheckResult, LoadOptions } from './load.js';
export { checkRunbook, loadRunbook, sha256 } from './load.js';
export { MAX_ALIAS_COUNT, MAX_RUNBOOK_BYTES } from './source.js';
export * from './types.js';
