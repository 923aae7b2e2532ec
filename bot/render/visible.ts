/**
 * Control characters made visible. Text people typed (abort and reject reasons, parameters, run
 * ids in errors) is echoed back to terminals and Slack; a raw ESC or BEL there is an instruction
 * to the terminal (`ESC ] 0 ; … BEL` sets the window title, `ESC [ 2 J` clears the screen), so
 * every C0/C1 control character and DEL is shown as an escape such as `\x1b` instead.
 */

/** C0 controls except tab, DEL, and C1 controls (0x80–0x9f, which some terminals obey too). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

export function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text);
}

/** `abort \x1b]0;pwned\x07` → `abort \\x1b]0;pwned\\x07`: harmless, and shows what was typed. */
export function visible(text: string): string {
  return text.replace(CONTROL, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
