/** Expanding one adaptivecards-templating template with data bound from domain state. */
import * as ACData from 'adaptivecards-templating';

export type Card = Record<string, unknown>;
export const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

export function expand(template: Card, data: Record<string, unknown>): Card {
  return new ACData.Template(template).expand({ $root: data }) as Card;
}

/** A card of a title and lines of text: help, errors, lists. */
export const TEXT_TEMPLATE: Card = {
  type: 'AdaptiveCard',
  $schema: SCHEMA,
  version: '1.5',
  body: [
    { type: 'TextBlock', text: '${title}', weight: 'Bolder', wrap: true, $when: "${title != ''}" },
    { type: 'TextBlock', $data: '${lines}', text: '${$data}', wrap: true, spacing: 'Small' },
  ],
};
