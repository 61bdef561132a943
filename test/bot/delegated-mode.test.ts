/**
 * The start-up check of delegated mode: with every directory role (or every listed group)
 * delegated, the app's own write permissions for that kind (read from its access token's
 * `roles` claim) draw a warning; a read-only app registration, or a policy that still
 * activates some role or group in app mode, does not. Azure roles in delegated mode bring
 * ARM's self-service adapter beside Graph's when ARM is configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArmClient } from '../../adapters/arm/client.ts';
import { createCredential } from '../../adapters/graph/credential.ts';
import type { Logger } from '../../bot/core/ports/logger.ts';
import {
  createDelegated,
  usesDelegatedMode,
  warnOfWritePermissions,
} from '../../bot/delegated-mode.ts';
import { MINIMAL, parsed } from '../policy/helpers.ts';
import { type GraphStandIn, startGraphStandIn } from '../standins/graph/index.ts';

let graph: GraphStandIn;
beforeAll(async () => {
  graph = await startGraphStandIn();
});
afterAll(async () => {
  await graph?.close();
});

function recorder(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const log: Logger = {
    debug: () => {},
    info: () => {},
    error: () => {},
    warn: (a: object | string, b?: string) => {
      warnings.push(typeof a === 'string' ? a : (b ?? ''));
    },
    child: () => log,
  };
  return { log, warnings };
}

/** A fresh credential: a token carries the permissions consented when it was issued. */
const credential = () =>
  createCredential({
    tenantId: graph.tenantId,
    clientId: graph.clientId,
    clientSecret: graph.clientSecret,
    authorityHost: graph.authorityHost,
  });

const allDelegated = parsed([
  ...MINIMAL,
  '  mode: delegated',
  'roles:',
  '  Exchange Administrator: {}',
]);

describe('delegated mode at start-up', () => {
  it('warns of write permissions the app no longer needs, naming them', async () => {
    graph.tenant.grantPermissions(['RoleManagement.ReadWrite.Directory', 'User.Read.All']);
    const { log, warnings } = recorder();
    const extra = await warnOfWritePermissions(credential(), graph.graphBaseUrl, allDelegated, log);
    expect(extra).toEqual(['RoleManagement.ReadWrite.Directory']);
    expect(warnings.join('\n')).toContain('remove these application permissions');
  });

  it('is quiet for a read-only app, and while some role is still in app mode', async () => {
    graph.tenant.revokePermission('RoleManagement.ReadWrite.Directory');
    graph.tenant.revokePermission('RoleAssignmentSchedule.ReadWrite.Directory');
    const quiet = recorder();
    expect(
      await warnOfWritePermissions(credential(), graph.graphBaseUrl, allDelegated, quiet.log),
    ).toEqual([]);
    graph.tenant.grantPermissions(['RoleManagement.ReadWrite.Directory']);
    const mixed = parsed([
      ...MINIMAL,
      '  mode: delegated',
      'roles:',
      '  Exchange Administrator: { mode: app }',
    ]);
    expect(
      await warnOfWritePermissions(credential(), graph.graphBaseUrl, mixed, quiet.log),
    ).toEqual([]);
    expect(quiet.warnings).toEqual([]);
  });

  it('warns of the PIM for Groups write permission when every listed group is delegated', async () => {
    graph.tenant.revokePermission('RoleManagement.ReadWrite.Directory');
    graph.tenant.grantPermissions(['PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup']);
    const groupsOnly = parsed([...MINIMAL, 'groups:', '  Tier 1 Operators: { mode: delegated }']);
    expect(usesDelegatedMode(groupsOnly)).toBe(true);
    const { log, warnings } = recorder();
    expect(await warnOfWritePermissions(credential(), graph.graphBaseUrl, groupsOnly, log)).toEqual(
      ['PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup'],
    );
    expect(warnings.join('\n')).toContain('PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup');
    const mixedGroups = parsed([
      ...MINIMAL,
      'groups:',
      '  Tier 1 Operators: { mode: delegated }',
      '  Tier 2 Operators: {}',
    ]);
    const quiet = recorder();
    expect(
      await warnOfWritePermissions(credential(), graph.graphBaseUrl, mixedGroups, quiet.log),
    ).toEqual([]);
    expect(quiet.warnings).toEqual([]);
  });

  it('serves Azure roles through ARM beside Graph only where ARM is configured', async () => {
    const azureOnly = parsed([
      ...MINIMAL,
      'azureRoles:',
      '  Reader: { mode: delegated }',
      'azure:',
      '  scopes: [/subscriptions/00000000-0000-0000-0000-000000000000]',
    ]);
    expect(usesDelegatedMode(azureOnly)).toBe(true);
    const { log } = recorder();
    const arm = new ArmClient(credential(), { baseUrl: 'https://management.azure.com' });
    const both = await createDelegated(graph.graphBaseUrl, arm, log);
    expect([...both.kinds].sort()).toEqual(['azure_role', 'directory_role', 'group']);
    expect(both.scopeFor('azure_role')).toBe('https://management.azure.com/user_impersonation');
    expect(both.scopeFor('group')).toBe(
      'https://graph.microsoft.com/PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    );
    const graphOnly = await createDelegated(graph.graphBaseUrl, null, log);
    expect(graphOnly.kinds.has('azure_role')).toBe(false);
    expect(graphOnly.scopeFor('azure_role')).toBeNull();
  });
});
