/**
 * Teams renders a Markdown subset in TextBlocks and turns bare URLs into links. Text a person
 * or the tenant supplied is escaped so it cannot format, link or look like the bot's words.
 */
const MARKDOWN = /([\\`*_{}[\]()#+\-.!~<>|])/g;

export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN, '\\$1').replace(/:\/\//g, ':/\u200b/').replace(/@/g, '@\u200b');
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escaped and clipped: what every user-supplied value goes through before binding. */
export const safe = (text: string, max = 2000): string => escapeMarkdown(clip(text, max));
