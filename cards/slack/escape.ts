/**
 * Slack mrkdwn escaping for anything a person or the tenant supplied. Slack parses `&`, `<`
 * and `>` as control characters (mentions, links, special commands); formatting characters
 * and `@here`-style words are neutralised so a reason can neither ping a channel nor dress
 * itself up as the bot's own words.
 */
const ZWJ = '\u200d';

export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([*_~`])/g, `${ZWJ}$1${ZWJ}`)
    .replace(/@(here|channel|everyone)\b/gi, `@${ZWJ}$1`);
}

/** Plain text objects are not parsed by Slack; only length needs care there. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1)}…`;
}

/** Escapes, then truncates on the escaped text without cutting an entity like `&amp;` in half. */
export function safeMrkdwn(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  const cut = escaped.slice(0, max - 1);
  const amp = cut.lastIndexOf('&');
  const open = amp >= 0 && !cut.slice(amp).includes(';') ? cut.slice(0, amp) : cut;
  return `${open}…`;
}
