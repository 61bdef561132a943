/**
 * `GET {scope}/providers/Microsoft.Authorization/roleDefinitions` (api-version 2022-04-01):
 * the simulated tenant's role definitions at a subscription or resource group, every one or
 * those a `roleName eq '…'` filter names, with their ids under the scope's subscription.
 */
import type { SimReply } from '../sim-request.ts';
import { azureRoleDefinitionId } from '../world.ts';
import type { ArmCall } from './call.ts';
import { armError } from './reply.ts';
import { lookupScope } from './scopes.ts';
import type { ArmState } from './state.ts';

export const ROLE_DEFINITIONS = /^(.*)\/providers\/Microsoft\.Authorization\/roleDefinitions$/i;
const API_VERSION = '2022-04-01';
const ROLE_NAME_EQ = /^roleName eq '((?:[^']|'')*)'$/i;

export function roleDefinitions(arm: ArmState, scope: string, call: ArmCall): SimReply {
  if (call.query.get('api-version') !== API_VERSION)
    return armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${call.query.get('api-version')}' is invalid. The supported versions include '${API_VERSION}'.`,
    );
  const known = lookupScope(arm, scope);
  if (!('found' in known)) return armError(404, known.code, known.message);
  const filter = call.query.get('$filter');
  const name = filter === null ? null : ROLE_NAME_EQ.exec(filter)?.[1]?.replace(/''/g, "'");
  if (name === undefined)
    return armError(400, 'BadRequest', `The filter '${filter}' is not supported.`);
  const value = [...arm.roles]
    .filter(([, roleName]) => name === null || roleName.toLowerCase() === name.toLowerCase())
    .map(([guid, roleName]) => ({
      id: azureRoleDefinitionId(scope, guid),
      name: guid,
      type: 'Microsoft.Authorization/roleDefinitions',
      properties: {
        roleName,
        type: 'BuiltInRole',
        description: '',
        assignableScopes: ['/'],
        permissions: [],
      },
    }));
  return { status: 200, body: { value } };
}
