/**
 * The audit stream as someone with Redis access sees and rewrites it: entries read raw and
 * shown as text (hashes in hex, the event as JSON, whichever format it was stored in), and
 * entries added back in the current compact format or in the format written before it (hex
 * hashes, plain JSON). The dictionary the events are deflated against is in the source, so an
 * attacker can do all of this; what they lack is the HMAC key.
 */
import type { Redis } from 'ioredis';
import { decodeEventJson, encodeEventJson, hashText } from '../../adapters/redis/audit-codec.ts';

/** `h` (and in entries of the earlier format `p`) in hex, `e` the event JSON. */
export type EntryFields = Record<string, string>;

export type EntryFormat = 'compact' | 'legacy';

export async function readStream(
  redis: Redis,
  key: string,
): Promise<{ id: string; fields: EntryFields }[]> {
  const entries = await redis.xrangeBuffer(key, '-', '+');
  return entries.map(([id, flat]) => {
    const fields: EntryFields = {};
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const name = flat[i]?.toString('latin1') ?? '';
      const value = flat[i + 1] ?? Buffer.alloc(0);
      fields[name] = name === 'e' ? decodeEventJson(value) : hashText(value);
    }
    return { id: id.toString('latin1'), fields };
  });
}

/** Adds one entry with these fields, stored as the given format stores them. */
export async function addEntry(
  redis: Redis,
  key: string,
  id: string,
  fields: EntryFields,
  format: EntryFormat = 'compact',
): Promise<void> {
  const flat: (string | Buffer)[] = [];
  for (const [name, text] of Object.entries(fields)) {
    // The compact format keeps no prevHash: the entry before has it.
    if (format === 'compact' && name === 'p') continue;
    flat.push(name);
    if (format === 'legacy') flat.push(text);
    else if (name === 'e') flat.push(encodeEventJson(text));
    else flat.push(/^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, 'hex') : text);
  }
  await redis.xadd(key, id, ...flat);
}
