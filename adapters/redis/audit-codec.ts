/**
 * How an audit entry is stored in its stream fields, compactly: DESIGN.md "Performance" allows
 * a few hundred bytes per entry, and a 60-character reason, two hex hashes and the event as
 * JSON with its long keys take close to 800.
 *
 * - `h`, the entry's chain hash, as its 32 raw bytes (the script converts the hex it is
 *   given, scripts.ts); everywhere outside the stream, anchors and the head included, hashes
 *   stay 64 hex characters.
 * - no `p`: an entry's prevHash is the `h` of the entry before it (or GENESIS for entry 1),
 *   which the reader has just read. Storing it again proved nothing the HMAC does not: the
 *   HMAC covers prevHash, so an entry read after a changed or missing one fails its check or
 *   shows the seq gap.
 * - `e`, the event JSON, deflated against a fixed dictionary of what events have in common
 *   (the keys, actions, states, platforms, target kinds), behind a format byte.
 *
 * The JSON inflated is byte for byte the JSON written, so the chain hash over it does not
 * change. Entries written before this format (`p` and `h` in hex, plain JSON starting with
 * `{`) are read as they are: the format byte, the length of a hash and `p` tell them apart.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** The format byte of `e`: JSON deflated against DICTIONARY_1. A new dictionary gets 0x02. */
const DEFLATED_1 = 0x01;

/**
 * Never edit: entries deflated against it need it byte for byte to be read. Deflate finds
 * back-references up to 32 KB away, the nearest cheapest, so the most common text is last.
 */
const DICTIONARY_1 = Buffer.from(
  [
    '"history.refused","history.exported","request.sign_in_refused","request.sign_in_renewed",',
    '"request.approver_mfa_verified","grant.extension_requested","grant.extension_approval_added",',
    '"grant.extension_denied","grant.extension_awaiting_mfa","grant.extension_mfa_expired",',
    '"request.escalated","request.awaiting_mfa","request.mfa_verified","grant.extended",',
    '"submitted","rejected","pending_approval","approved","denied","canceled","approval_expired",',
    '"scheduled","activating","failed","ended","awaiting_mfa","teams","sandbox","group","azure_role",',
    '"access":"member","access":"owner","scopeName":"","/subscriptions/","code":"","approvers":"',
    '"request.rejected","request.denied","request.canceled","request.approval_expired",',
    '"request.scheduled","grant.failed","grant.ended","grant.activating","grant.activated",',
    '"request.approved","request.submitted",',
    '{"at":1800000000000,"action":"request.submitted","requestId":"","actor":null,"requester":null,',
    '"targets":[],"state":null,"reason":null,"ticket":null,"platform":null,"details":{}}',
    '{"at":1800000000000,"action":"grant.activated","requestId":"","actor":{"id":"","displayName":"",',
    '"email":"@"},"requester":{"id":"","displayName":"","email":"@"},"targets":[{"kind":',
    '"directory_role","id":"","name":" Administrator","scope":"/"}],"state":"active","reason":"","ticket":',
    '"INC-","platform":"slack","details":{}}',
  ].join(''),
  'utf8',
);

/** `e` as stored. */
export const encodeEventJson = (json: string): Buffer =>
  Buffer.concat([
    Buffer.of(DEFLATED_1),
    deflateRawSync(json, { dictionary: DICTIONARY_1, level: 9 }),
  ]);

/** The event JSON of a stored `e`. Throws when it is neither format (a damaged entry). */
export function decodeEventJson(stored: Buffer): string {
  if (stored[0] === DEFLATED_1)
    return inflateRawSync(stored.subarray(1), { dictionary: DICTIONARY_1 }).toString('utf8');
  return stored.toString('utf8');
}

/** A chain hash as 64 hex characters: stored as 32 bytes now, as its hex before. */
export const hashText = (stored: Buffer): string =>
  stored.length === 32 ? stored.toString('hex') : stored.toString('latin1');
