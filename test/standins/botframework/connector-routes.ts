/**
 * The Connector REST routes botframework-connector calls (lib/connectorApi/operations/
 * conversations.js), relative to the activity's serviceUrl.
 */
import { randomBytes } from 'node:crypto';
import type { ConnectorState } from './connector-state.ts';
import type { RouteResult } from './connector-types.ts';
import { errorBody } from './http-util.ts';

/** Path segments after `/v3/conversations`, each URI-decoded (ids carry `:`, `@`, `;`). */
export function conversationSegments(pathname: string): string[] | undefined {
  const segments = pathname.split('/').filter((s) => s !== '');
  if (segments[0] !== 'v3' || segments[1] !== 'conversations') return undefined;
  try {
    return segments.slice(2).map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

const methodNotAllowed = (method: string): RouteResult => ({
  status: 405,
  body: errorBody('MethodNotAllowed', `${method} is not supported on this resource`),
});

export function routeConnector(
  state: ConnectorState,
  method: string,
  segments: readonly string[],
  body: unknown,
): RouteResult {
  const [conversationId, resource, itemId, ...rest] = segments;
  if (conversationId === undefined) {
    return method === 'POST' ? state.createConversation(body) : methodNotAllowed(method);
  }
  if (rest.length > 0) return unknownRoute();
  switch (resource) {
    case 'activities':
      return activities(state, method, conversationId, itemId, body);
    case 'members':
      if (method !== 'GET') return methodNotAllowed(method);
      return itemId === undefined
        ? state.members(conversationId)
        : state.member(conversationId, itemId);
    case 'pagedmembers': {
      if (method !== 'GET' || itemId !== undefined) return methodNotAllowed(method);
      const all = state.members(conversationId);
      return all.status === 200 ? { status: 200, body: { members: all.body } } : all;
    }
    case 'attachments':
      if (method !== 'POST' || itemId !== undefined) return methodNotAllowed(method);
      return { status: 201, body: { id: `att-${randomBytes(8).toString('hex')}` } };
    default:
      return unknownRoute();
  }
}

function activities(
  state: ConnectorState,
  method: string,
  conversationId: string,
  activityId: string | undefined,
  body: unknown,
): RouteResult {
  if (activityId === undefined) {
    return method === 'POST' ? state.send(conversationId, body) : methodNotAllowed(method);
  }
  switch (method) {
    case 'POST':
      return state.send(conversationId, body, activityId);
    case 'PUT':
      return state.update(conversationId, activityId, body);
    case 'DELETE':
      return state.remove(conversationId, activityId);
    default:
      return methodNotAllowed(method);
  }
}

export function unknownRoute(): RouteResult {
  return { status: 404, body: errorBody('NotFound', 'No such Connector resource') };
}
