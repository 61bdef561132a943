/**
 * The Azure tenant the Azure-role contract runs on: one subscription with two resource groups,
 * Reader and Contributor, eligibility at the subscription, at one resource group, through a
 * group and time-bound, and PIM settings for Contributor.
 */
import { azureRoleDefinitionId, type WorldSpec } from '../../adapters/entra-sim/world.ts';
import type { Target } from '../../bot/core/domain/target.ts';
import { HOUR, ids, START } from './entra-world.ts';

export const SUB_ID = '5a1b2c3d-0000-4000-8000-0000000005b1';
export const SUB = `/subscriptions/${SUB_ID}`;
export const RG_PAYMENTS = `${SUB}/resourceGroups/rg-payments`;
export const RG_WEB = `${SUB}/resourceGroups/rg-web`;
export const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
export const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';

const azureRole = (guid: string, name: string, scope: string, scopeName: string): Target => ({
  kind: 'azure_role',
  id: azureRoleDefinitionId(scope, guid),
  name,
  scope,
  scopeName,
});

export const azureTargets = {
  readerSub: azureRole(READER, 'Reader', SUB, 'Payments Production'),
  /** Narrower than Alice's Reader eligibility at the subscription. */
  readerPayments: azureRole(READER, 'Reader', RG_PAYMENTS, 'rg-payments'),
  readerWeb: azureRole(READER, 'Reader', RG_WEB, 'rg-web'),
  contributorPayments: azureRole(CONTRIBUTOR, 'Contributor', RG_PAYMENTS, 'rg-payments'),
  /** Outside Alice's Contributor eligibility. */
  contributorWeb: azureRole(CONTRIBUTOR, 'Contributor', RG_WEB, 'rg-web'),
} as const;

/**
 * Alice: Reader on the subscription, Contributor on rg-payments, Reader on rg-web through the
 * Ops on call group. Carol: Reader on rg-web until an hour after START. Dave: nothing.
 */
export const AZURE_WORLD: WorldSpec = {
  users: [
    { id: ids.alice, name: 'Alice Admin', upn: 'alice@contoso.com' },
    { id: ids.carol, name: 'Carol OBrien', upn: 'carol@contoso.com' },
    { id: ids.dave, name: 'Dave Outsider', upn: 'dave@contoso.com' },
  ],
  groups: [{ id: ids.onCall, name: 'Ops on call', members: [ids.alice] }],
  roles: [],
  azure: {
    subscriptions: [
      { id: SUB_ID, name: 'Payments Production', resourceGroups: ['rg-payments', 'rg-web'] },
    ],
    roles: [
      { id: READER, name: 'Reader' },
      { id: CONTRIBUTOR, name: 'Contributor' },
    ],
    eligible: [
      { principalId: ids.alice, roleId: READER, scope: SUB },
      { principalId: ids.alice, roleId: CONTRIBUTOR, scope: RG_PAYMENTS },
      { principalId: ids.onCall, roleId: READER, scope: RG_WEB },
      { principalId: ids.carol, roleId: READER, scope: RG_WEB, endsAt: START + HOUR },
    ],
    pim: {
      [CONTRIBUTOR]: {
        maximumDuration: 'PT4H',
        justification: true,
        ticketing: true,
        adminMaximumDuration: 'PT4H',
      },
    },
  },
};

/** Where the bot looks (policy `azure.scopes`). */
export const AZURE_SCOPES = [SUB];
