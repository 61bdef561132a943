/** `/elevate whocan` as an Adaptive Card: the rules as facts, then approvers and eligible people. */
import type { WhocanAnswer } from '../../bot/core/usecases/whocan.ts';
import { whocanText } from '../whocan-text.ts';
import { safe } from './escape.ts';
import { type Card, SCHEMA } from './template.ts';

const block = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'TextBlock',
  text: safe(text, 3000),
  wrap: true,
  ...extra,
});

export function whocanCard(answer: WhocanAnswer, timezone: string): Card {
  const t = whocanText(answer, timezone);
  return {
    type: 'AdaptiveCard',
    $schema: SCHEMA,
    version: '1.5',
    body: [
      block(t.title, { weight: 'Bolder', size: 'Medium' }),
      {
        type: 'FactSet',
        facts: t.rules.map((r) => ({ title: safe(r.title, 100), value: safe(r.value, 1000) })),
      },
      block('Approvers', { weight: 'Bolder', spacing: 'Medium' }),
      block(t.approvers),
      block(`Eligible in Entra PIM (${answer.eligibleCount})`, {
        weight: 'Bolder',
        spacing: 'Medium',
      }),
      ...t.eligible.slice(0, 60).map((line) => block(line, { spacing: 'None' })),
    ],
  };
}
