/**
 * Teams renders a Markdown subset in TextBlocks and turns bare URLs into links. Text a person
 * or the tenant supplied is escaped so it cannot format, link or look like the bot's words.
 * Mentions in a card exist only as `<at>…</at>` with a matching entity, so escaping `<` is
 * what keeps text from mentioning anyone; an `@` or an email stays as it was written.
 */
const MARKDOWN = /([\\`*_{}[\]()#+\-.!~<>|])/g;

export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN, '\\$1').replace(/:\/\//g, ':/\u200b/');
}

/** A `code` span: Teams shows its content verbatim, so nothing inside needs escaping. */
const CODE_SPAN = /(`[^`\n]+`)/;

/**
 * Catalogue messages (bot/core/errors.ts) are plain text with `code` spans: the spans stay
 * code, everything between them is escaped. Clipped first, so a cut span is escaped too.
 */
export const safeWithCode = (text: string, max = 3000): string =>
  clip(text, max)
    .split(CODE_SPAN)
    .map((part, i) => (i % 2 === 1 ? part : escapeMarkdown(part)))
    .join('');

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escaped and clipped: what every user-supplied value goes through before binding. */
export const safe = (text: string, max = 2000): string => escapeMarkdown(clip(text, max));
