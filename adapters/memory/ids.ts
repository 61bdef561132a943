import { randomInt } from 'node:crypto';
import type { Ids } from '../../bot/core/ports/ids.ts';

/** Crockford base32: no I, L, O, U, so ids survive being read aloud or retyped. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `R` + 9 random characters: 45 bits, enough that a collision in one tenant is not a concern. */
export const randomIds: Ids = {
  requestId: () =>
    `R${Array.from({ length: 9 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`,
};

/** Predictable ids for tests: R0000001, R0000002, … */
export function sequentialIds(): Ids {
  let n = 0;
  return { requestId: () => `R${String(++n).padStart(7, '0')}` };
}
