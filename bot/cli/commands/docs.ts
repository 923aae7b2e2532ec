/**
 * `drbot docs [--write README.md] [--schema engine/runbook/runbook.schema.json]`: the runbook
 * reference, generated from the schema descriptions and the action catalogue. `--write` replaces
 * only the text between the reference markers; `--schema` writes the editor schema (action names
 * and each action's `with`), so `npm run docs` picks up every action in the catalogue;
 * `--actions` regenerates the action manifest (run it first: the others read the catalogue).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ACTION_SPECS } from '../../../engine/actions/catalogue.js';
import { editorSchemaText } from '../../../engine/runbook/editor-schema.js';
import {
  REFERENCE_END,
  REFERENCE_START,
  renderReference,
  replaceReference,
} from '../../../engine/runbook/reference.js';
import baseSchema from '../../../engine/runbook/runbook.base.schema.json' with { type: 'json' };
import { writeActionManifest } from '../action-manifest.js';

export function registerDocs(program: Command): void {
  program
    .command('docs')
    .description('Generate the runbook reference (schema fields and actions) as markdown.')
    .option('--write <file>', `replace the text between ${REFERENCE_START} and ${REFERENCE_END} in this file`)
    .option('--schema <file>', 'also write the editor JSON Schema (action names and inputs) to this file')
    .option('--actions', 'regenerate engine/actions/manifest.generated.ts from the action modules, then stop')
    .action(async (options: { write?: string; schema?: string; actions?: boolean }) => {
      if (options.actions) {
        const changed = writeActionManifest();
        process.stderr.write(`${changed ? 'updated' : 'unchanged'}: engine/actions/manifest.generated.ts\n`);
        return;
      }
      if (options.schema) {
        const text = editorSchemaText(baseSchema as Record<string, unknown>, ACTION_SPECS);
        const before = await readFile(options.schema, 'utf8').catch(() => '');
        if (before !== text) await writeFile(options.schema, text);
        process.stderr.write(`${before === text ? 'unchanged' : 'updated'}: ${options.schema}\n`);
      }
      const reference = renderReference();
      if (!options.write) {
        process.stdout.write(reference);
        return;
      }
      let document: string;
      try {
        document = await readFile(options.write, 'utf8');
      } catch (err) {
        process.stderr.write(
          `error: cannot read ${options.write}: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        process.exitCode = 1;
        return;
      }
      const updated = replaceReference(document, reference);
      if (updated === undefined) {
        process.stdout.write(reference);
        process.stderr.write(
          `error: ${options.write} has no reference markers, so nothing was written.\n` +
            `  The reference goes between two lines:\n    ${REFERENCE_START}\n    ${REFERENCE_END}\n` +
            `  Add them where the reference belongs, then run \`npm run docs\` again.\n`,
        );
        process.exitCode = 1;
        return;
      }
      if (updated !== document) await writeFile(options.write, updated);
      process.stderr.write(`${updated === document ? 'unchanged' : 'updated'}: ${options.write}\n`);
    });
}
