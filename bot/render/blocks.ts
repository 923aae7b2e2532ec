/**
 * Block Kit builders that cannot exceed Slack's limits: every text is clamped when built and a
 * message is fitted to 50 blocks by summarising what does not fit (never by cutting the end,
 * where the outcome lives). `blockKitViolations` checks a finished message, for tests.
 */
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  HeaderBlock,
  KnownBlock,
  MrkdwnElement,
  SectionBlock,
} from '@slack/types';
import { truncate } from './format.js';

export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Top-level `text` fallback (notifications, screen readers). */
  messageText: 3000,
} as const;

export function header(text: string): HeaderBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true },
  };
}

export function section(text: string, fields?: string[]): SectionBlock {
  const block: SectionBlock = { type: 'section', text: mrkdwn(text || ' ', LIMITS.sectionText) };
  if (fields?.length)
    block.fields = fields.slice(0, LIMITS.fields).map((f) => mrkdwn(f || ' ', LIMITS.fieldText));
  return block;
}

export function fieldsSection(fields: string[]): SectionBlock {
  return {
    type: 'section',
    fields: fields.slice(0, LIMITS.fields).map((f) => mrkdwn(f || ' ', LIMITS.fieldText)),
  };
}

export function context(...texts: string[]): ContextBlock {
  return {
    type: 'context',
    elements: texts.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t || ' ', LIMITS.contextText)),
  };
}

export function divider(): KnownBlock {
  return { type: 'divider' };
}

export interface ButtonOptions {
  actionId: string;
  text: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

export function button(options: ButtonOptions): Button {
  const b: Button = {
    type: 'button',
    action_id: truncate(options.actionId, LIMITS.actionId),
    text: { type: 'plain_text', text: truncate(options.text, LIMITS.buttonText), emoji: true },
    // A value that does not fit would be a broken button: callers keep values small (ids only).
    value:
      options.value.length <= LIMITS.buttonValue ? options.value : options.value.slice(0, LIMITS.buttonValue),
  };
  if (options.style) b.style = options.style;
  if (options.confirm) {
    b.confirm = {
      title: { type: 'plain_text', text: truncate(options.confirm.title, LIMITS.confirmTitle) },
      text: { type: 'mrkdwn', text: truncate(options.confirm.text, LIMITS.confirmText) },
      confirm: { type: 'plain_text', text: truncate(options.confirm.confirm, LIMITS.confirmButton) },
      deny: { type: 'plain_text', text: truncate(options.confirm.deny, LIMITS.confirmButton) },
      ...(options.style === 'danger' ? { style: 'danger' as const } : {}),
    };
  }
  return b;
}

export function actions(blockId: string, elements: Button[]): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements: elements.slice(0, LIMITS.actionsElements) };
}

function mrkdwn(text: string, max: number): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text, max) };
}

/**
 * Packs lines into as few sections as possible, each within the section limit, and at most
 * `maxBlocks` of them; lines that do not fit are counted in a closing "…and N more" line.
 */
export function linesToSections(
  lines: string[],
  maxBlocks: number,
  more: (n: number) => string,
): SectionBlock[] {
  const sections: string[] = [];
  let current = '';
  let used = 0;
  const budget = LIMITS.sectionText - 80; // room for the "…and N more" line
  for (const raw of lines) {
    const line = truncate(raw, budget);
    if (current && current.length + 1 + line.length > budget) {
      if (sections.length + 1 >= maxBlocks) break;
      sections.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
    used += 1;
  }
  if (current) sections.push(current);
  const left = lines.length - used;
  if (left > 0 && sections.length > 0) sections[sections.length - 1] += `\n${more(left)}`;
  return sections.map((s) => section(s));
}

/**
 * Fits a message to the block limit. Blocks marked as droppable (by index) are replaced, from
 * the middle outwards, by one context block saying how many were summarised.
 */
export function fitBlocks(blocks: KnownBlock[], note: (dropped: number) => string): KnownBlock[] {
  if (blocks.length <= LIMITS.blocks) return blocks;
  const keepHead = Math.floor((LIMITS.blocks - 1) / 2);
  const keepTail = LIMITS.blocks - 1 - keepHead;
  const dropped = blocks.length - keepHead - keepTail;
  return [...blocks.slice(0, keepHead), context(note(dropped)), ...blocks.slice(blocks.length - keepTail)];
}

/** Every Block Kit limit a message breaks, in words (empty when it is valid). */
export function blockKitViolations(blocks: readonly KnownBlock[]): string[] {
  const problems: string[] = [];
  if (blocks.length > LIMITS.blocks) problems.push(`${blocks.length} blocks > ${LIMITS.blocks}`);
  blocks.forEach((block, i) => {
    const where = `block ${i} (${block.type})`;
    if (block.type === 'section') {
      if (block.text && block.text.text.length > LIMITS.sectionText) problems.push(`${where}: text too long`);
      if (block.text && block.text.text.length === 0) problems.push(`${where}: empty text`);
      if ((block.fields?.length ?? 0) > LIMITS.fields) problems.push(`${where}: too many fields`);
      for (const f of block.fields ?? [])
        if (f.text.length > LIMITS.fieldText) problems.push(`${where}: field too long`);
    }
    if (block.type === 'header' && block.text.text.length > LIMITS.headerText)
      problems.push(`${where}: header too long`);
    if (block.type === 'context' && block.elements.length > LIMITS.contextElements)
      problems.push(`${where}: too many elements`);
    if (block.type === 'actions') {
      if (block.elements.length > LIMITS.actionsElements) problems.push(`${where}: too many elements`);
      for (const el of block.elements) {
        if (el.type !== 'button') continue;
        if (el.text.text.length > LIMITS.buttonText) problems.push(`${where}: button text too long`);
        if ((el.value?.length ?? 0) > LIMITS.buttonValue) problems.push(`${where}: button value too long`);
      }
    }
  });
  return problems;
}
