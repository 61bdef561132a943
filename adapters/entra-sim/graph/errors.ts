/** Graph's error envelope, as in contracts/graph-pim-errors.md. */
import { randomUUID } from 'node:crypto';

export interface GraphErrorReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export function graphError(
  status: number,
  code: string,
  message: string,
  clientRequestId?: string,
  headers?: Record<string, string>,
): GraphErrorReply {
  const id = randomUUID();
  return {
    status,
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          'request-id': id,
          'client-request-id': clientRequestId ?? id,
        },
      },
    },
    ...(headers ? { headers } : {}),
  };
}

export const policyFailed = (rules: readonly string[], cid?: string) =>
  graphError(
    400,
    'RoleAssignmentRequestPolicyValidationFailed',
    `The following policy rules failed: ${JSON.stringify(rules)}`,
    cid,
  );

export const throttled = (retryAfter: number): GraphErrorReply => ({
  status: 429,
  headers: { 'retry-after': String(retryAfter) },
  body: {
    error: {
      code: 'TooManyRequests',
      innerError: {
        code: '429',
        date: new Date().toISOString().slice(0, 19),
        message: 'Please retry after',
        'request-id': randomUUID(),
        status: '429',
      },
      message: 'Please retry again later.',
    },
  },
});
