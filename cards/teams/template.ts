/** Expanding one adaptivecards-templating template with data bound from domain state. */
import { createRequire } from 'node:module';
import type * as ACDataModule from 'adaptivecards-templating';

export type Card = Record<string, unknown>;
export const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

/**
 * The templating engine (with adaptive-expressions under it) costs a large share of start-up
 * and is needed only when the first card is drawn, so it is loaded then, synchronously (it is
 * CommonJS); `warmTemplates` loads it with the Teams SDK, on the first Teams activity or
 * message out, never at start: done after `listen` it held the first /readyz back 150–230 ms.
 */
let engine: typeof ACDataModule | undefined;
const load = () => {
  engine ??= createRequire(import.meta.url)('adaptivecards-templating') as typeof ACDataModule;
  return engine;
};

/** Each template is parsed once; expanding a parsed template does not change it. */
const parsed = new WeakMap<Card, ACDataModule.Template>();

export function expand(template: Card, data: Record<string, unknown>): Card {
  let t = parsed.get(template);
  if (t === undefined) {
    t = new (load().Template)(template);
    parsed.set(template, t);
  }
  return t.expand({ $root: data }) as Card;
}

/**
 * Loads the engine and draws one card now, so the first card drawn does not pay again for the
 * engine's load and its expression parser's first use.
 */
export function warmTemplates(): void {
  expand(TEXT_TEMPLATE, { title: '', lines: [] });
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
