/**
 * Reading request records as stored, before their seals are checked (request-store.ts does
 * that): version, state, JSON and seal of each, from either format. A record is one string
 * (version, NUL, state, NUL, the 32-byte seal, the JSON); earlier versions kept a hash with
 * the fields `v`, `s`, `d`, `m`, which the next update rewrites as a string.
 */
import type { RedisKeys } from './keys.ts';
import { type RedisClient, recordsScript, runScriptBuffer } from './scripts.ts';

/** Version, state, JSON and seal: a record's parts as read, missing ones null. */
export type RecordParts = readonly (Buffer | null | undefined)[];

const NUL = 0;
const SEAL_BYTES = 32;

/**
 * The parts of each request's record, in the order of `ids`, or null where there is none.
 * One MGET: a record kept as a hash reads as nil there, like a missing one, and only those
 * are asked again through the records script.
 */
export async function readRecords(
  client: RedisClient,
  keys: RedisKeys,
  ids: readonly string[],
): Promise<(RecordParts | null)[]> {
  if (ids.length === 0) return [];
  const names = ids.map((id) => keys.request(id));
  const strings = await client.mgetBuffer(...names);
  const out: (RecordParts | null)[] = strings.map((r) => (r ? splitRecord(r) : null));
  const again = names.filter((_, i) => out[i] === null);
  if (again.length === 0) return out;
  const reply = await runScriptBuffer(client, recordsScript, again, []);
  if (!Array.isArray(reply) || reply.length !== again.length)
    throw new Error('unexpected reply from the records script');
  let next = 0;
  return out.map((parts) => {
    if (parts) return parts;
    const r: unknown = reply[next++];
    return Buffer.isBuffer(r) ? splitRecord(r) : Array.isArray(r) ? (r as RecordParts) : null;
  });
}

/**
 * The parts of a record kept as one string. Views into the reply, not copies. One that does
 * not have that shape has no seal, and is refused as such.
 */
function splitRecord(raw: Buffer): RecordParts {
  const a = raw.indexOf(NUL);
  const b = a < 0 ? -1 : raw.indexOf(NUL, a + 1);
  if (b < 0 || raw.length < b + 1 + SEAL_BYTES) return [null, null, raw, null];
  return [
    raw.subarray(0, a),
    raw.subarray(a + 1, b),
    raw.subarray(b + 1 + SEAL_BYTES),
    raw.subarray(b + 1, b + 1 + SEAL_BYTES),
  ];
}
