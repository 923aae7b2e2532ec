/**
 * A tiny terminal emulator for screen tests: enough VT100 to replay what the shell writes (text,
 * CR/LF, line wrap, cursor up/down/column, clear-to-end-of-screen) and read back the scrollback
 * a person would see. Writing `ESC ] … BEL` would be a title change: it is recorded, not shown.
 */
const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
const OSC = new RegExp(`^${ESC}\\](.*?)(?:${BEL}|${ESC}\\\\)`);
const CSI = new RegExp(`^${ESC}\\[(\\d*)(?:;(\\d*))?([A-Za-z])`);

export class Terminal {
  readonly rows: string[][] = [[]];
  row = 0;
  col = 0;
  titles: string[] = [];

  constructor(readonly columns: number) {}

  write(data: string): void {
    let i = 0;
    while (i < data.length) {
      const ch = data[i] as string;
      if (ch === '\u001b') {
        const osc = OSC.exec(data.slice(i));
        if (osc) {
          this.titles.push(osc[1] ?? '');
          i += osc[0].length;
          continue;
        }
        const csi = CSI.exec(data.slice(i));
        if (csi) {
          this.csi(Number(csi[1] || 0), csi[3] as string);
          i += csi[0].length;
          continue;
        }
        i += 1;
        continue;
      }
      if (ch === '\r') this.col = 0;
      else if (ch === '\n') {
        // a tty's output processing (onlcr) turns LF into CR LF
        this.col = 0;
        this.down();
      } else {
        if (this.col >= this.columns) {
          this.col = 0;
          this.down();
        }
        const line = this.line();
        while (line.length < this.col) line.push(' ');
        line[this.col] = ch;
        this.col += 1;
      }
      i += ch.length;
    }
  }

  /** Every line ever shown, trailing spaces dropped (the scrollback plus the screen). */
  lines(): string[] {
    return this.rows.map((r) => r.join('').trimEnd());
  }

  private csi(n: number, op: string): void {
    if (op === 'A') this.row = Math.max(0, this.row - Math.max(1, n));
    else if (op === 'B') for (let k = 0; k < Math.max(1, n); k++) this.down();
    else if (op === 'G') this.col = Math.max(0, n - 1);
    else if (op === 'C') this.col += Math.max(1, n);
    else if (op === 'D') this.col = Math.max(0, this.col - Math.max(1, n));
    else if (op === 'J') {
      this.line().splice(this.col);
      this.rows.splice(this.row + 1);
    } else if (op === 'K') this.line().splice(this.col);
  }

  private line(): string[] {
    while (this.rows.length <= this.row) this.rows.push([]);
    return this.rows[this.row] as string[];
  }

  private down(): void {
    this.row += 1;
    this.line();
  }
}
