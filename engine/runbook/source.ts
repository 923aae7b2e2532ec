/**
 * Stage 1: YAML text → plain data plus a way to find any path's line and column. Hardened for
 * untrusted input: size cap, alias-expansion cap, core schema only, no custom or unknown tags.
 */
import {
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml';
import type { RunbookIssue } from './errors.js';
import { formatPath } from './errors.js';
import { findIndentSlip, INDENT_CODES } from './yaml-hints.js';

/** Runbooks are small; anything bigger is a mistake or an attack. */
export const MAX_RUNBOOK_BYTES = 1024 * 1024;
/** Enough for legitimate anchors, far below a "billion laughs" expansion. */
export const MAX_ALIAS_COUNT = 100;

/** Tags of the YAML 1.2 core schema; anything else (custom, `!!binary`, `!!set` …) is refused. */
const CORE_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);

export type PathSegment = string | number;

export interface LocatedSource {
  file: string;
  /** The document as plain data; undefined when parsing failed. */
  data: unknown;
  /** Line and column of the node at `path` (`key: true` → of its key), falling back to the nearest ancestor. */
  locate(path: readonly PathSegment[], key?: boolean): { line: number; col: number };
  /** Builds an issue at `path`. */
  issue(
    path: readonly PathSegment[],
    code: string,
    message: string,
    extra?: {
      hint?: string;
      severity?: 'error' | 'warning';
      atKey?: boolean;
      /** Locate this path instead of `path` (e.g. the parent of a missing field). */
      at?: readonly PathSegment[];
    },
  ): RunbookIssue;
}

export function parseSource(text: string, file: string): { source: LocatedSource; issues: RunbookIssue[] } {
  const lines = new LineCounter();
  const issues: RunbookIssue[] = [];
  const tooBig = text.length > MAX_RUNBOOK_BYTES || utf8Length(text) > MAX_RUNBOOK_BYTES;
  const doc = tooBig
    ? undefined
    : parseDocument(text, { lineCounter: lines, schema: 'core', uniqueKeys: true, prettyErrors: false });

  const position = (offset: number) => {
    const pos = lines.linePos(offset);
    return { line: Math.max(1, pos.line), col: Math.max(1, pos.col) };
  };

  const locate = (path: readonly PathSegment[], key = false) => {
    let node: unknown = doc?.contents;
    let best: { line: number; col: number } = rangeStart(node) ?? { line: 1, col: 1 };
    for (const [i, segment] of path.entries()) {
      const last = i === path.length - 1;
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) break;
        const keyPos = rangeStart(pair.key);
        if (keyPos) best = keyPos;
        if (last && key) return best;
        next = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      } else {
        break;
      }
      const pos = rangeStart(next);
      if (pos && !isAlias(next)) best = pos;
      if (next === undefined || next === null) break;
      node = next;
    }
    return best;
  };

  function rangeStart(node: unknown): { line: number; col: number } | undefined {
    if (!isNode(node) && !isPair(node)) return undefined;
    const range = (node as Node).range;
    return range ? position(range[0]) : undefined;
  }

  const source: LocatedSource = {
    file,
    data: undefined,
    locate,
    issue: (path, code, message, extra = {}) => ({
      file,
      ...locate(extra.at ?? path, extra.atKey),
      path: formatPath(path),
      code,
      message,
      ...(extra.hint ? { hint: extra.hint } : {}),
      severity: extra.severity ?? 'error',
    }),
  };

  if (!doc) {
    issues.push({
      file,
      line: 1,
      col: 1,
      path: '',
      code: 'FILE_TOO_LARGE',
      message: `the runbook is larger than ${MAX_RUNBOOK_BYTES} bytes`,
      hint: 'Split it into one runbook per application tier.',
      severity: 'error',
    });
    return { source, issues };
  }

  const slip = doc.errors.find((e) => INDENT_CODES.has(e.code));
  if (slip) {
    // one mistake, one error: the parser's follow-on complaints are dropped
    const at = slip.linePos?.[0] ?? position(slip.pos[0]);
    const found = findIndentSlip(text, at.line);
    const more = doc.errors.length - 1;
    issues.push({
      file,
      line: found.line,
      col: found.col,
      path: '',
      code: 'YAML_BAD_INDENT',
      message: `${found.message}${more > 0 ? ` (the parser's ${more} other complaint${more === 1 ? ' follows' : 's follow'} from it)` : ''}`,
      hint: found.hint,
      severity: 'error',
    });
    return { source, issues };
  }
  for (const error of doc.errors) {
    const at = error.linePos?.[0] ?? position(error.pos[0]);
    issues.push({
      file,
      line: at.line,
      col: at.col,
      path: '',
      code: `YAML_${error.code}`,
      message:
        error.code === 'MULTIPLE_DOCS'
          ? 'the file holds more than one YAML document (---)'
          : firstLine(error.message),
      hint: 'Fix the YAML syntax; check indentation and quoting around this position.',
      severity: 'error',
    });
  }
  if (issues.length > 0) return { source, issues };

  visit(doc, (_key, node, ancestors) => {
    if (!isNode(node) || !node.tag || CORE_TAGS.has(node.tag)) return;
    const at = node.range ? position(node.range[0]) : { line: 1, col: 1 };
    issues.push({
      file,
      ...at,
      path: formatPath(pathOf(ancestors, node)),
      code: 'YAML_TAG',
      message: `the tag ${node.tag} is not allowed`,
      hint: 'Runbooks use plain YAML: remove the tag (types come from the schema).',
      severity: 'error',
    });
  });
  if (issues.length > 0) return { source, issues };

  try {
    source.data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    issues.push({
      file,
      line: 1,
      col: 1,
      path: '',
      code: 'YAML_ALIAS',
      message: err instanceof Error ? firstLine(err.message) : 'aliases could not be resolved',
      hint: `Use fewer anchors/aliases (at most ${MAX_ALIAS_COUNT} expansions).`,
      severity: 'error',
    });
  }
  return { source, issues };
}

function utf8Length(text: string): number {
  if (text.length * 3 <= MAX_RUNBOOK_BYTES) return text.length;
  return new TextEncoder().encode(text).length;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** The YAML path of a visited node, from the ancestors `visit` hands us. */
function pathOf(ancestors: readonly unknown[], node: unknown): PathSegment[] {
  const chain = [...ancestors.slice(1), node];
  const path: PathSegment[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i];
    const child = chain[i + 1];
    if (isSeq(parent)) path.push(parent.items.indexOf(child as never));
    if (isPair(parent) && child === parent.value && isScalar(parent.key)) path.push(String(parent.key.value));
  }
  return path;
}
