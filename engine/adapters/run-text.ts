/**
 * A run as separately serialized parts, shared by the stores that write step deltas (memory,
 * DynamoDB): the header (the run without `steps`) and one member text per step, `"key":{…}`.
 * A save re-serializes only the parts it changed; loading joins them into one JSON text and
 * parses it once, in the stored key order.
 */
import type { Run, StepState } from '../run.js';

/** The run without `steps`, as JSON. */
export function runHeaderJson(run: Run): string {
  const { steps: _steps, ...header } = run;
  return JSON.stringify(header);
}

/** One step as its member of the `steps` object: `"key":{…}`. */
export function stepMemberJson(key: string, step: StepState): string {
  return `${JSON.stringify(key)}:${JSON.stringify(step)}`;
}

/** Parses a header with its steps' member texts (or comma-joined runs of them; empty ones are skipped). */
export function parseRunParts(header: string, members: Iterable<string>): Run {
  const steps = [...members].filter((member) => member.length > 0).join(',');
  const open = header.slice(0, -1);
  return JSON.parse(`${open}${open.length > 1 ? ',' : ''}"steps":{${steps}}}`) as Run;
}
