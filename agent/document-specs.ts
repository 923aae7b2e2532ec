/**
 * The one description of drbot's SSM documents: which agent subcommand each runs and how each
 * document parameter becomes command-line options. The YAML in agent/documents is rendered from
 * it (render-documents.ts), the parameter builders and the simulated cloud's runner read it, so
 * the documents, the builders and the sim cannot drift apart.
 *
 * Parameters are `String`s delivered as `SSM_<name>` environment variables (interpolationType
 * ENV_VAR, the injection-safe way); lists are space-separated, so list items never hold spaces.
 */

export type AgentCommand =
  | 'health'
  | 'mark'
  | 'read-mark'
  | 'freeze'
  | 'thaw'
  | 'post-recovery'
  | 'install'
  | 'version';

export type AgentDocumentName =
  | 'DrbotInstallAgent'
  | 'DrbotHealth'
  | 'DrbotMark'
  | 'DrbotReadMark'
  | 'DrbotFreeze'
  | 'DrbotThaw'
  | 'DrbotPostRecovery';

export interface ParameterSpec {
  /** SSM parameter name; the agent sees it as `$SSM_<name>`. */
  name: string;
  /** The agent option each value becomes. */
  flag: string;
  /** `list`: space-separated values, one option each; `value`: one option when non-empty. */
  kind: 'list' | 'value';
  description: string;
  /** SSM `allowedPattern`; also enforced by the builders and the sim runner. */
  allowedPattern: string;
}

export interface DocumentSpec {
  name: AgentDocumentName;
  subcommand: AgentCommand;
  description: string;
  /** aws:runShellScript `timeoutSeconds`. */
  timeoutSeconds: number;
  parameters: ParameterSpec[];
}

/** No quote, dollar, backtick or backslash: safe even for SSM agents without ENV_VAR support. */
export const SAFE_LIST_PATTERN = '^[^"$`\\\\]*$';

const dirs = (what: string): ParameterSpec => ({
  name: 'dirs',
  flag: '--dir',
  kind: 'list',
  description: `${what}, separated by spaces. Empty: the dirs in /etc/drbot/dirs, else /.`,
  allowedPattern: SAFE_LIST_PATTERN,
});

export const DOCUMENT_SPECS: readonly DocumentSpec[] = [
  {
    name: 'DrbotInstallAgent',
    subcommand: 'install',
    description:
      'drbot: installs the drbot agent (embedded below) to /usr/local/bin, creates /etc/drbot and its hook dirs, and writes the RPO marker every minute (systemd timer, or cron).',
    timeoutSeconds: 120,
    parameters: [
      dirs('Protected directories (mount points) that get the RPO marker'),
      {
        name: 'scheduler',
        flag: '--scheduler',
        kind: 'value',
        description:
          'How `mark` is scheduled: auto (systemd when present, else cron), systemd, cron or none.',
        allowedPattern: '^(auto|systemd|cron|none)?$',
      },
    ],
  },
  {
    name: 'DrbotHealth',
    subcommand: 'health',
    description:
      'drbot: runs the agent health checks (HTTP, TCP, process) and prints one JSON object with each check, its result and latency. Exit 0 only when all pass.',
    timeoutSeconds: 300,
    parameters: [
      {
        name: 'http',
        flag: '--http',
        kind: 'list',
        description: 'URLs that must answer 2xx or 3xx, separated by spaces.',
        allowedPattern: SAFE_LIST_PATTERN,
      },
      {
        name: 'tcp',
        flag: '--tcp',
        kind: 'list',
        description: 'HOST:PORT pairs that must accept a connection, separated by spaces.',
        allowedPattern: SAFE_LIST_PATTERN,
      },
      {
        name: 'process',
        flag: '--process',
        kind: 'list',
        description: 'Process names that must be running, separated by spaces.',
        allowedPattern: SAFE_LIST_PATTERN,
      },
      {
        name: 'timeout',
        flag: '--timeout',
        kind: 'value',
        description: 'Seconds each check may take (1-300). Empty: 5.',
        allowedPattern: '^([1-9][0-9]{0,2})?$',
      },
    ],
  },
  {
    name: 'DrbotMark',
    subcommand: 'mark',
    description:
      'drbot: writes the RPO marker (time, sequence, host, instance id) atomically to each protected directory.',
    timeoutSeconds: 60,
    parameters: [dirs('Directories that get the marker')],
  },
  {
    name: 'DrbotReadMark',
    subcommand: 'read-mark',
    description:
      'drbot: prints the newest RPO marker found in the directories of a recovered instance (exit 1 when none).',
    timeoutSeconds: 60,
    parameters: [dirs('Directories to read the marker from')],
  },
  {
    name: 'DrbotFreeze',
    subcommand: 'freeze',
    description:
      'drbot: runs /etc/drbot/hooks/pre-snapshot.d, then fsfreeze -f on each mount point. A watchdog always thaws after maxSeconds, even if DrbotThaw never comes.',
    timeoutSeconds: 120,
    parameters: [
      dirs('Mount points to freeze'),
      {
        name: 'maxSeconds',
        flag: '--max',
        kind: 'value',
        description: 'The watchdog thaws after this many seconds (1-3600). Empty: 30.',
        allowedPattern: '^([1-9][0-9]{0,3})?$',
      },
    ],
  },
  {
    name: 'DrbotThaw',
    subcommand: 'thaw',
    description:
      'drbot: fsfreeze -u on the frozen mount points, stops the watchdog and runs /etc/drbot/hooks/post-snapshot.d.',
    timeoutSeconds: 120,
    parameters: [dirs('Mount points to thaw. Empty: whatever DrbotFreeze froze')],
  },
  {
    name: 'DrbotPostRecovery',
    subcommand: 'post-recovery',
    description:
      'drbot: writes the recovered endpoints to /etc/drbot/recovered.env and runs /etc/drbot/hooks/post-recovery.d with them in the environment.',
    timeoutSeconds: 300,
    parameters: [
      {
        name: 'env',
        flag: '--env',
        kind: 'list',
        description: 'KEY=VALUE pairs separated by spaces (values without spaces).',
        allowedPattern: SAFE_LIST_PATTERN,
      },
    ],
  },
];

export function documentSpec(name: string): DocumentSpec | undefined {
  return DOCUMENT_SPECS.find((spec) => spec.name === name);
}
