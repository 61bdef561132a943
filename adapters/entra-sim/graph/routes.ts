/**
 * The Graph v1.0 endpoints the bot uses, validating like the service and answering with its
 * shapes and error codes (contracts/graph-pim-openapi-subset.yaml, graph-pim-errors.md).
 */
import type { Tenant } from '../tenant.ts';
import type { GraphCall, Reply } from './call.ts';
import { directoryRoute } from './directory-routes.ts';
import { graphError } from './errors.ts';
import { groupRoute } from './group-routes.ts';
import { parseFilter } from './odata.ts';
import { pimRoute } from './pim-routes.ts';

export function route(t: Tenant, call: GraphCall): Reply {
  const filter = parseFilter(call.query.get('$filter'));
  if (filter === 'invalid')
    return graphError(
      400,
      'BadRequest',
      `Invalid filter clause: ${call.query.get('$filter')}`,
      call.clientRequestId,
    );
  return (
    directoryRoute(t, call, filter) ??
    groupRoute(t, call, filter) ??
    pimRoute(t, call, filter) ??
    graphError(
      404,
      'UnknownError',
      `No route for ${call.method} ${call.path}`,
      call.clientRequestId,
    )
  );
}
