/**
 * A generated runbook of `steps` drill steps in one `needs` chain, each reading the step before
 * it and the first step (a far ancestor): what the lint-time bench measures and the scaling tests
 * check for correctness.
 */
export function chainRunbook(steps: number, options: { cycle?: boolean } = {}): string {
  const lines = [
    'apiVersion: drbot/v1',
    'kind: Runbook',
    'metadata: { name: big }',
    'spec:',
    ' source: { region: us-east-1 }',
    ' target: { region: us-west-2 }',
    ' objectives: { rto: 15m, rpo: 1h }',
    ' protect: { tags: { dr-tier: app } }',
    ' access: { drill: { users: ["*"] } }',
    ' modes:',
    '  drill:',
    '   steps:',
    `   - {id: s0, action: recovery.latestPoint, with: {maxAge: 1h}${options.cycle ? `, needs: [s${steps - 1}]` : ''}}`,
  ];
  for (let i = 1; i < steps; i += 1) {
    const rto = i === steps - 1 ? ', rto: end' : '';
    // Every step reads the one before it; every tenth also reads the first (a far ancestor).
    const read = i % 10 === 0 ? 'steps.s0.outputs.points' : `steps.s${i - 1}.status`;
    lines.push(
      `   - {id: s${i}, action: notify, needs: [s${i - 1}], with: {message: "\${{ ${read} }}"}${rto}}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
