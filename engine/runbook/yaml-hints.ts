/**
 * One YAML indentation mistake, one error. The yaml parser reports every line the mistake
 * throws off (a wrongly indented key makes the following keys "bad indentation" too), each
 * with the same generic hint; operators fixing a runbook at 3 a.m. need the line that is off
 * and what it should line up with. Pure text analysis, no I/O.
 */

/** Parser codes that an indentation slip produces (the first is the cause, the rest follow). */
export const INDENT_CODES = new Set([
  'BAD_INDENT',
  'MISSING_CHAR',
  'UNEXPECTED_TOKEN',
  'BLOCK_AS_IMPLICIT_KEY',
  'MULTILINE_IMPLICIT_KEY',
  'TAB_AS_INDENT',
]);

export interface IndentFinding {
  line: number;
  col: number;
  message: string;
  hint: string;
}

const indentOf = (text: string) => text.length - text.trimStart().length;
const meaningful = (text: string | undefined) =>
  text !== undefined && text.trim() !== '' && !text.trimStart().startsWith('#');
/** `- id: x` opens a mapping whose keys sit two columns right of the dash. */
const keyIndent = (text: string) => {
  const m = /^(\s*)-\s+(?=\S)/.exec(text);
  return m ? (m[0] ?? '').length : indentOf(text);
};
const opensBlock = (text: string) => /:\s*(#.*)?$/.test(text.trimEnd());
const opensScalar = (text: string) => /:\s*[|>][-+]?\d*\s*(#.*)?$/.test(text.trimEnd());

/**
 * The first line, up to `errorLine`, whose indentation matches no open level: deeper than the
 * line before without that line opening a block, or between two levels after a dedent.
 */
export function findIndentSlip(text: string, errorLine: number): IndentFinding {
  const lines = text.split(/\r?\n/);
  const levels: number[] = [0];
  let previous: { n: number; text: string } | undefined;
  let scalarAbove: number | undefined;
  for (let n = 1; n <= Math.min(errorLine, lines.length); n++) {
    const line = lines[n - 1] ?? '';
    if (!meaningful(line)) continue;
    const indent = indentOf(line);
    if (scalarAbove !== undefined) {
      if (indent > scalarAbove) continue; // inside a block scalar (`>-`, `|`): free text
      scalarAbove = undefined;
    }
    if (/^\t/.test(line.slice(0, indent + 1)) || line.slice(0, indent).includes('\t'))
      return finding(
        n,
        indent,
        'is indented with a tab',
        'YAML indents with spaces only: replace the tab with spaces.',
      );
    const top = levels[levels.length - 1] ?? 0;
    if (previous && opensBlock(previous.text) && indent > top) {
      levels.push(indent);
    } else if (indent !== top) {
      const open = [...new Set(levels)].join(', ');
      while (levels.length > 1 && (levels[levels.length - 1] ?? 0) > indent) levels.pop();
      if ((levels[levels.length - 1] ?? 0) !== indent && previous)
        return finding(
          n,
          indent,
          `is indented ${indent} spaces, but line ${previous.n} above it (\`${previous.text.trim().slice(0, 40)}\`) is indented ${keyIndent(previous.text)}`,
          opensBlock(previous.text)
            ? `Indent line ${n} further than line ${previous.n} (nested keys go deeper), or fix line ${previous.n}.`
            : `Lines ${previous.n} and ${n} look like sibling keys but start at different columns: give them the same indentation (levels open here: ${open} spaces). YAML nests by indentation.`,
        );
    }
    if (/^\s*-\s+\S/.test(line) && keyIndent(line) > (levels[levels.length - 1] ?? 0))
      levels.push(keyIndent(line));
    if (opensScalar(line)) scalarAbove = indent;
    previous = { n, text: line };
  }
  return {
    line: errorLine,
    col: 1,
    message: `line ${errorLine} is not indented like the lines around it`,
    hint: 'Line it up with its sibling keys (same number of spaces); nested keys go deeper than their parent.',
  };
}

function finding(line: number, indent: number, what: string, hint: string): IndentFinding {
  return { line, col: indent + 1, message: `line ${line} ${what}`, hint };
}
