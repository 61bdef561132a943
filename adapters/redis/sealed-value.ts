/**
 * A string value in Redis with its seal in front: `<hex HMAC>.<text>`, the HMAC over the key
 * name and the text (bot/core/ports/integrity.ts). For values read and written whole with GET
 * and SET, where no Lua script needs to see inside.
 */
import type { Integrity } from '../integrity.ts';

export const sealValue = (key: Integrity, name: string, text: string): string =>
  `${key.seal('record', name, text)}.${text}`;

/** The text, or null when the seal is missing or does not match (the caller reports it). */
export function openValue(key: Integrity, name: string, stored: string): string | null {
  const dot = stored.indexOf('.');
  if (dot < 1) return null;
  const text = stored.slice(dot + 1);
  return key.check('record', name, text, stored.slice(0, dot)) ? text : null;
}
