/**
 * The name of an ARM schedule request, derived from what it is for: the same access request,
 * target and step always give the same name, so a PUT retried after a lost answer (or by a job
 * that ran again) is the same request, not a second one. ARM wants a GUID; a name-based UUID
 * (version 5, RFC 9562 §5.5: SHA-1 of namespace and name) is one, and node:crypto has no v5.
 */
import { createHash } from 'node:crypto';
import { type Target, targetKey } from '../../bot/core/domain/target.ts';

/** This project's namespace for request names (a fixed random UUID). */
export const ELEVATE_NAMESPACE = '5d3c1f0e-8a43-4d1b-9a57-6f2e4c8b1a90';

export function uuidV5(name: string, namespace: string = ELEVATE_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type RequestStep = 'assign' | 'remove' | `extend:${number}`;

/** `assign` and `remove` happen once per request and target; each extension has its own end. */
export const requestName = (requestId: string, target: Target, step: RequestStep): string =>
  uuidV5(`${requestId}|${targetKey(target)}|${step}`);
