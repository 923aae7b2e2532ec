/** The scope `${{ }}` expressions read. */
export interface ExprScope {
  spec: unknown;
  params: Record<string, string>;
  steps: Record<string, { outputs: Record<string, unknown>; status?: string }>;
  run?: { id: string; mode: string; initiator: string };
}
