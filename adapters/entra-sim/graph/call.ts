/** One Graph call as the routes see it, their reply, and the checks every route shares. */
import { type GraphErrorReply, graphError } from './errors.ts';

export interface GraphCall {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown> | null;
  readonly permissions: ReadonlySet<string>;
  readonly clientRequestId?: string;
  /** Who signed in, for a person's delegated token; absent for the app's own. */
  readonly user?: { readonly oid: string; readonly mfa: boolean };
}
export type Reply = {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
};

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
export const list = (value: unknown[]): Reply =>
  ok({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata', value });

export const READ_ROLES = [
  'RoleManagement.Read.Directory',
  'RoleManagement.ReadWrite.Directory',
  'Directory.Read.All',
];

export function needs(call: GraphCall, anyOf: readonly string[]): GraphErrorReply | null {
  return anyOf.some((p) => call.permissions.has(p))
    ? null
    : graphError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
        call.clientRequestId,
      );
}

export function isoSeconds(text: string): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text);
  if (!m || text.toUpperCase() === 'P' || text.toUpperCase().endsWith('T')) return null;
  return (
    Number(m[1] ?? 0) * 86_400 +
    Number(m[2] ?? 0) * 3600 +
    Number(m[3] ?? 0) * 60 +
    Number(m[4] ?? 0)
  );
}

/**
 * Self actions are a person's own, with their delegated token: PIM refuses an app-only token
 * and a token of someone else. Admin actions are the app's (this tenant gives people no
 * admin role to act with).
 */
export function callerRefused(call: GraphCall, self: boolean, principalId: string): Reply | null {
  const cid = call.clientRequestId;
  if (self && !call.user)
    return graphError(
      403,
      'Authorization_RequestDenied',
      'selfActivate and selfDeactivate need a delegated token of the principal; an application token cannot act for a user.',
      cid,
    );
  if (self && call.user?.oid !== principalId)
    return graphError(
      403,
      'Authorization_RequestDenied',
      'The principalId of a self request must be the signed-in user.',
      cid,
    );
  if (!self && call.user)
    return graphError(
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
      cid,
    );
  return null;
}
