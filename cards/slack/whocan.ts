/** `/elevate whocan` as Block Kit: the rules, approvers and eligible people in plain text. */
import type { WhocanAnswer } from '../../bot/core/usecases/whocan.ts';
import { whocanText } from '../whocan-text.ts';
import { safeMrkdwn, truncate } from './escape.ts';
import type { Block, SlackMessage } from './facts.ts';

const plain = (text: string) => ({
  type: 'plain_text' as const,
  text: truncate(text, 3000),
  emoji: false,
});

/** Lines in sections of up to 3,000 characters (Slack's limit per text object). */
function sections(lines: readonly string[]): Block[] {
  const out: Block[] = [];
  let chunk = '';
  for (const line of lines) {
    if (chunk && chunk.length + line.length + 1 > 2900) {
      out.push({ type: 'section', text: plain(chunk) });
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${line}` : line;
  }
  if (chunk) out.push({ type: 'section', text: plain(chunk) });
  return out;
}

export function whocanMessage(answer: WhocanAnswer, timezone: string): SlackMessage {
  const t = whocanText(answer, timezone);
  const blocks: Block[] = [
    { type: 'header', text: plain(t.title.slice(0, 150)) },
    ...sections(t.rules.map((r) => `${r.title}: ${r.value}`)),
    ...sections([`Approvers: ${t.approvers}`]),
    ...sections([`Eligible in Entra PIM (${answer.eligibleCount}):`, ...t.eligible]),
  ];
  return { text: safeMrkdwn(t.title, 3000), blocks: blocks.slice(0, 50) };
}
