/**
 * Renders agent/documents/*.yaml from document-specs.ts, embedding agent/drbot-agent in
 * DrbotInstallAgent. The YAML files are committed (operators read them, the AWS adapter deploys
 * them); a test fails when they differ from this rendering. Regenerate after editing the agent:
 *
 *   npx tsx agent/render-documents.ts --write
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DOCUMENT_SPECS, type DocumentSpec, type ParameterSpec } from './document-specs.js';

export const AGENT_DIR = fileURLToPath(new URL('.', import.meta.url));
export const AGENT_SCRIPT_PATH = join(AGENT_DIR, 'drbot-agent');
export const DOCUMENTS_DIR = join(AGENT_DIR, 'documents');

/** Where documents other than the install one expect the agent (overridable for tests). */
const AGENT_BIN = '"${DRBOT_AGENT:-/usr/local/bin/drbot-agent}"';
/** The here-document delimiter around the embedded script; the script must not contain it. */
export const SCRIPT_DELIMITER = 'DRBOT_AGENT_SCRIPT';
/** SSM's limit for a document's content. */
export const SSM_DOCUMENT_MAX_BYTES = 64 * 1024;

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Shell lines that turn `SSM_<name>` variables into agent options ("$@"). */
function argumentLines(params: ParameterSpec[]): string[] {
  const lines = params.map(
    (p) =>
      // Agents older than 3.3.2746.0 ignore ENV_VAR: fall back to interpolation, which the
      // allowedPattern makes safe inside double quotes.
      `if [ -z "\${SSM_${p.name}+x}" ]; then export SSM_${p.name}="{{${p.name}}}"; fi`,
  );
  lines.push('set -f', 'set --');
  for (const p of params) {
    lines.push(
      p.kind === 'list'
        ? `for v in $SSM_${p.name}; do set -- "$@" ${p.flag} "$v"; done`
        : `if [ -n "$SSM_${p.name}" ]; then set -- "$@" ${p.flag} "$SSM_${p.name}"; fi`,
    );
  }
  return lines;
}

function commandLines(spec: DocumentSpec, script: string): string[] {
  const args = argumentLines(spec.parameters);
  if (spec.subcommand === 'install') {
    return [
      ...args,
      'agent=$(mktemp /tmp/drbot-agent.XXXXXX)',
      `trap 'rm -f "$agent"' EXIT`,
      `cat >"$agent" <<'${SCRIPT_DELIMITER}'\n${script.endsWith('\n') ? script : `${script}\n`}${SCRIPT_DELIMITER}`,
      'sh "$agent" install "$@"',
    ];
  }
  const notInstalled = JSON.stringify({
    command: spec.subcommand,
    ok: false,
    error: {
      code: 'not-installed',
      message: 'drbot-agent is not installed on this instance: run the agent.install step first',
    },
  });
  return [
    ...args,
    `if [ ! -x ${AGENT_BIN} ]; then echo '${notInstalled}'; exit 3; fi`,
    `exec ${AGENT_BIN} ${spec.subcommand} "$@"`,
  ];
}

function commandYaml(line: string): string {
  if (!line.includes('\n')) return `        - ${quote(line)}`;
  const body = line
    .split('\n')
    .map((l) => (l === '' ? '' : `          ${l}`))
    .join('\n');
  return `        - |\n${body}`;
}

export function renderDocument(spec: DocumentSpec, script: string): string {
  const out = ["schemaVersion: '2.2'", `description: ${quote(spec.description)}`, 'parameters:'];
  for (const p of spec.parameters) {
    out.push(
      `  ${p.name}:`,
      '    type: String',
      `    description: ${quote(p.description)}`,
      "    default: ''",
      `    allowedPattern: ${quote(p.allowedPattern)}`,
      '    interpolationType: ENV_VAR',
    );
  }
  out.push(
    'mainSteps:',
    '  - action: aws:runShellScript',
    `    name: ${spec.name.replace(/^Drbot/, 'drbot')}`,
    '    precondition:',
    '      StringEquals:',
    '        - platformType',
    '        - Linux',
    '    inputs:',
    `      timeoutSeconds: '${spec.timeoutSeconds}'`,
    '      runCommand:',
    ...commandLines(spec, script).map(commandYaml),
  );
  return `${out.join('\n')}\n`;
}

export function readAgentScript(path = AGENT_SCRIPT_PATH): string {
  return readFileSync(path, 'utf8');
}

/** File name → content of every document, rendered from the specs and the agent script. */
export function renderDocuments(script = readAgentScript()): Record<string, string> {
  const files: Record<string, string> = {};
  for (const spec of DOCUMENT_SPECS) files[`${spec.name}.yaml`] = renderDocument(spec, script);
  return files;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = renderDocuments();
  const write = process.argv.includes('--write');
  for (const [name, content] of Object.entries(files)) {
    if (write) writeFileSync(join(DOCUMENTS_DIR, name), content);
    process.stdout.write(
      `${write ? 'wrote' : 'would write'} agent/documents/${name} (${content.length} bytes)\n`,
    );
  }
}
