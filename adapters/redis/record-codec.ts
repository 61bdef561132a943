/**
 * How a request record's JSON is stored: DESIGN.md "Performance" allows 1.5 KB per active
 * grant, and half of a record's JSON is its keys (`"durationSeconds":`, `"activatedAt":`, ...
 * some forty of them). Stored, each known key is one character; the values are the JSON's own.
 *
 * - A record in this form starts with `~` (plain JSON starts with `{`), so records written
 *   before it are read as they are.
 * - A key not in KEYS (one a later version adds) is kept as it is, behind a `~` when it
 *   could be read as a code (one character) or already starts with `~`.
 * - KEYS is append-only: a stored record needs each code to mean what it meant when written.
 *
 * Decoding is `JSON.parse` and one walk that renames keys: about a microsecond on a grant's
 * record, against the 3 µs of the parse the alerts scan pays per record anyway.
 */

/** Never reorder or remove; new keys go at the end (62 single characters in all). */
const KEYS = [
  'id',
  'version',
  'state',
  'platform',
  'requester',
  'targets',
  'durationSeconds',
  'startAt',
  'reason',
  'ticket',
  'approval',
  'approvals',
  'denial',
  'canceledBy',
  'createdAt',
  'updatedAt',
  'activatedAt',
  'endsAt',
  'endedAt',
  'endReason',
  'failure',
  'eligibleUntil',
  'extension',
  'stepUp',
  'extensionStepUp',
  'signInNotice',
  'failedTargets',
  'autoApproval',
  'autoApprovalNote',
  'breakglass',
  'pimApproval',
  'displayName',
  'email',
  'kind',
  'name',
  'scope',
  'access',
  'scopeName',
  'required',
  'approvers',
  'quorum',
  'timeoutAt',
  'escalateTo',
  'escalated',
  'timeoutSeconds',
  'by',
  'at',
  'seconds',
  'askedAt',
  'code',
  'message',
  'target',
  'deadline',
  'verifiedAt',
  'rule',
  'facts',
  'reviewBy',
  'acknowledgedBy',
  'acknowledgedAt',
  'escalatedAt',
  'approvalId',
  'decision',
] as const;

const CODES = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ESCAPE = '~';

const toCode = new Map<string, string>(KEYS.map((key, i) => [key, CODES.charAt(i)]));
const fromCode = new Map<string, string>(KEYS.map((key, i) => [CODES.charAt(i), key]));

if (KEYS.length > CODES.length || new Set(KEYS).size !== KEYS.length) {
  throw new Error('record-codec: KEYS must be unique and at most 62');
}

function rename(value: unknown, name: (key: string) => string): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => rename(v, name));
  const from = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in from) {
    const v = from[key];
    if (v !== undefined) out[name(key)] = rename(v, name);
  }
  return out;
}

const encodeKey = (key: string): string =>
  toCode.get(key) ?? (key.length === 1 || key.startsWith(ESCAPE) ? ESCAPE + key : key);

const decodeKey = (key: string): string =>
  key.startsWith(ESCAPE) ? key.slice(1) : (fromCode.get(key) ?? key);

/** The record as stored: `~` and its JSON with short keys. */
export const encodeRecordJson = (value: unknown): string =>
  ESCAPE + JSON.stringify(rename(value, encodeKey));

/** The value of a stored record, in this form or as plain JSON (records written before it). */
export function decodeRecordJson(text: string): unknown {
  if (!text.startsWith(ESCAPE)) return JSON.parse(text);
  return rename(JSON.parse(text.slice(1)), decodeKey);
}
