/**
 * The action catalogue: every action's name, input schema and outputs. Pure data, so the runbook
 * loader can validate `with` without any cloud; handlers are bound separately (engine/adapters).
 */
import { NETWORK_ACTION_SPECS } from './network-catalogue.js';
import type { ActionSpec } from './types.js';

const duration = {
  type: 'string',
  pattern: '^(?:\\d+(?:ms|s|m|h|d))+$',
  description: 'A duration: 90s, 15m, 1h.',
};
const instanceList = {
  description: 'Instance ids, usually `${{ steps.<launch>.outputs.instanceIds }}`.',
  type: 'array',
  items: { type: 'string', minLength: 1 },
};
const side = {
  enum: ['recovery', 'protected'],
  description:
    'Which region to act in. `recovery` (the default) is where instances are recovered: spec.target for drill and failover, spec.source for failback. `protected` is the other one.',
};

export const ACTION_SPECS: ActionSpec[] = [
  {
    name: 'approval',
    native: true,
    description:
      'Waits until the named approval gate is opened by enough distinct approvers (or fails on reject/timeout).',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['gate'],
      properties: { gate: { type: 'string', description: 'A gate name from spec.approvals.' } },
    },
    outputs: { approvers: 'The users whose approvals opened the gate.' },
  },
  {
    name: 'manual',
    native: true,
    description: 'Waits until an operator confirms that a manual action is done.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['instructions'],
      properties: {
        instructions: { type: 'string', minLength: 1, description: 'What the operator must do.' },
      },
    },
    outputs: { confirmedBy: 'The user who confirmed.' },
  },
  {
    name: 'wait',
    description: 'Waits for a fixed time (durably: no process sleeps).',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['duration'],
      properties: { duration },
    },
    outputs: {},
  },
  {
    name: 'notify',
    description: 'Posts a message to the run thread (and the audit).',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['message'],
      properties: { message: { type: 'string', minLength: 1, description: 'The text to post.' } },
    },
    outputs: {},
  },
  {
    name: 'recovery.latestPoint',
    description:
      'Finds the newest recovery point of every protected instance on the recovery side; fails when one is older than maxAge (the RPO gate).',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxAge: { ...duration, description: 'The oldest acceptable recovery point, e.g. the RPO.' },
      },
    },
    outputs: {
      points: 'Map of source instance id → recovery point id.',
      oldestCapturedAt: 'Capture time (epoch ms) of the oldest of the chosen points.',
      ageMs: 'Age of the oldest chosen point when the disaster was declared (the claimed RPO).',
    },
  },
  {
    name: 'recovery.protect',
    mutating: true,
    description:
      'Captures a recovery point of every protected instance and copies it to the recovery side, keeping the newest N.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        retention: { type: 'integer', minimum: 1, maximum: 1000, description: 'Points kept per instance.' },
        appConsistent: {
          type: 'boolean',
          description: 'Freeze the file systems through the agent around the capture.',
        },
      },
    },
    outputs: {
      points: 'Map of source instance id → new recovery point id.',
      pruned: 'Recovery point ids deleted.',
    },
  },
  // the network exists before anything launches into it
  ...NETWORK_ACTION_SPECS,
  {
    name: 'ec2.launch',
    mutating: true,
    description:
      'Launches the protected instances on the recovery side from recovery points, tagged with the run id, mode and drill TTL. Each blueprint comes from the network mapping (`network.replicate`; read in reverse for failback) and `drbot blueprint --write`: mapped subnet, security groups and remapped private IP; drill (TEST) copies in a mapped subnet get no fixed IP, so they never take a production address.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['launchType'],
      properties: {
        launchType: {
          enum: ['TEST', 'CUTOVER'],
          description: 'TEST for drills (isolated, run-owned); CUTOVER for real.',
        },
        from: {
          type: 'object',
          additionalProperties: { type: 'string' },
          description:
            'Map of source instance id → recovery point id, usually `${{ steps.<gate>.outputs.points }}`.',
        },
        network: {
          type: 'string',
          description:
            'Network profile name, e.g. `drill` (isolated) or `production`: places the instances the mapping gives no subnet (before any replication).',
        },
        instanceType: { type: 'string', description: 'Overrides every blueprint instance type.' },
      },
    },
    outputs: {
      instanceIds: 'The launched instance ids.',
      instances:
        'Launched instances: { instanceId, sourceInstanceId, instanceType, privateIp?, fellBackFrom? }.',
      privateIps: 'Private IPs of the launched instances, in launch order (for dns.switch).',
    },
  },
  {
    name: 'ec2.waitHealthy',
    description: 'Waits until the instances run and pass their status checks.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['instances'],
      properties: { instances: instanceList, side },
    },
    outputs: { instanceIds: 'The healthy instance ids.' },
  },
  ...(['stop', 'start', 'terminate'] as const).map(
    (verb): ActionSpec => ({
      name: `ec2.${verb}`,
      mutating: true,
      description: `${verb[0]?.toUpperCase()}${verb.slice(1)}s instances. In a drill only instances this run launched can be stopped or terminated.`,
      inputSchema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          instances: instanceList,
          runOwned: { type: 'boolean', description: 'Act on every instance tagged with this run id.' },
          protected: {
            type: 'boolean',
            description: 'Act on the protected instances (the spec.protect selector).',
          },
          side,
        },
      },
      outputs: {
        instanceIds: `The ${verb === 'stop' ? 'stopped' : verb === 'start' ? 'started' : 'terminated'} instance ids.`,
      },
    }),
  ),
  {
    name: 'ssm.runCommand',
    mutating: true,
    description:
      'Runs an SSM document on instances and waits for every invocation; fails naming each failed instance.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['instances', 'document'],
      properties: {
        instances: instanceList,
        document: {
          type: 'string',
          minLength: 1,
          description: 'SSM document name, e.g. AWS-RunShellScript.',
        },
        parameters: {
          type: 'object',
          additionalProperties: { type: 'array', items: { type: 'string' } },
          description: 'Document parameters.',
        },
        side,
      },
    },
    outputs: {
      commandId: 'The SSM command id.',
      results: 'Per instance: { instanceId, status, exitCode, stdout }.',
    },
  },
  {
    name: 'dns.switch',
    mutating: true,
    description:
      'Points the failover DNS record at the recovered endpoint (Route 53 UPSERT) and waits for INSYNC.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['target'],
      properties: {
        zone: { type: 'string', description: 'Hosted zone id; defaults to spec.dns.zone.' },
        record: { type: 'string', description: 'Record name; defaults to spec.dns.record.' },
        target: { type: 'string', minLength: 1, description: 'New value (an IP or a host name).' },
      },
    },
    outputs: { changeId: 'The Route 53 change id.' },
  },
  {
    name: 'agent.install',
    mutating: true,
    description: 'Installs the drbot agent on instances through SSM, reporting each instance.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { instances: instanceList, side },
    },
    outputs: { installed: 'Instance ids where the agent is installed.' },
  },
  {
    name: 'agent.health',
    description:
      'Runs the agent health checks on the instances; succeeds when every check passes on every instance.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['instances'],
      properties: {
        instances: instanceList,
        http: {
          anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
          description: 'URL(s) that must answer 2xx/3xx.',
        },
        tcp: {
          type: 'array',
          items: { type: 'string' },
          description: 'HOST:PORT that must accept a connection.',
        },
        process: {
          type: 'array',
          items: { type: 'string' },
          description: 'Process names that must be running.',
        },
        timeout: duration,
        side,
      },
    },
    outputs: { results: 'Per instance: the checks with result and latency.' },
  },
  ...(['freeze', 'thaw'] as const).map(
    (verb): ActionSpec => ({
      name: `agent.${verb}`,
      mutating: true,
      description:
        verb === 'freeze'
          ? 'Freezes the protected file systems for an app-consistent capture; a watchdog thaws after maxFreeze.'
          : 'Thaws file systems frozen by agent.freeze.',
      inputSchema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          instances: instanceList,
          dirs: { type: 'array', items: { type: 'string' }, description: 'Mount points.' },
          ...(verb === 'freeze' ? { maxFreeze: duration } : {}),
        },
      },
      outputs: {},
    }),
  ),
  {
    name: 'agent.measureRpo',
    description:
      'Reads the newest RPO marker on the recovered instances; measured RPO = declaration time − marker time.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['instances'],
      properties: {
        instances: instanceList,
        dirs: { type: 'array', items: { type: 'string' }, description: 'Mount points to read markers from.' },
      },
    },
    outputs: {
      markerAt: 'Time of the newest marker (epoch ms).',
      rpoMeasuredMs: 'Measured data loss in ms.',
    },
  },
];
