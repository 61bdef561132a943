/**
 * The sandbox's simulated tenant: a requester, two approvers, an auditor, a dormant account,
 * the directory roles they are eligible for, PIM's settings for them and sign-in activity.
 * Everything the console shows comes through the real Graph adapter from this.
 */
import type { EntraSim } from './index.ts';
import { seedWorld } from './seed.ts';
import { ALL_PERMISSIONS, REVIEW_PERMISSIONS } from './tenant.ts';
import { eligibleFor, type WorldSpec } from './world.ts';

export type SandboxRole = 'requester' | 'approver' | 'auditor';

export interface SandboxPerson {
  readonly id: string;
  readonly name: string;
  readonly upn: string;
  /** What the console offers this person to do (the policy is what actually decides). */
  readonly role: SandboxRole;
  readonly about: string;
  /** Days since the last sign-in; null: never signed in. */
  readonly lastSignInDaysAgo: number | null;
}

export const SANDBOX_PEOPLE: readonly SandboxPerson[] = [
  {
    id: '5a1ce000-0000-4000-8000-00000000a11c',
    name: 'Alice Admin',
    upn: 'alice@contoso.example',
    role: 'requester',
    about:
      'IT operations; eligible for Exchange, Helpdesk, Teams and Global Administrator, the Payments Oncall group, Contributor on the Payments subscription and Reader on rg-payments-web',
    lastSignInDaysAgo: 0,
  },
  {
    id: '5a1ce000-0000-4000-8000-0000000000b0',
    name: 'Bob Approver',
    upn: 'bob@contoso.example',
    role: 'approver',
    about: 'Security lead; approves requests; on call in the simulated PagerDuty schedule',
    lastSignInDaysAgo: 1,
  },
  {
    id: '5a1ce000-0000-4000-8000-0000000ca201',
    name: 'Carol Backup',
    upn: 'carol@contoso.example',
    role: 'approver',
    about: 'Backup approver; asked when Bob does not answer in time',
    lastSignInDaysAgo: 2,
  },
  {
    id: '5a1ce000-0000-4000-8000-00000000e214',
    name: 'Erin Auditor',
    upn: 'erin@contoso.example',
    role: 'auditor',
    about: 'Internal audit; reads everyone’s history and exports the audit trail',
    lastSignInDaysAgo: 5,
  },
  {
    id: '5a1ce000-0000-4000-8000-000000057a1e',
    name: 'Sam Dormant',
    upn: 'sam@contoso.example',
    role: 'requester',
    about: 'Left the team months ago; still eligible (a stale account)',
    lastSignInDaysAgo: 200,
  },
];

export const SANDBOX_ROLES = {
  exchange: { id: '29232cdf-9323-42fd-ade2-1d097af3e4de', name: 'Exchange Administrator' },
  helpdesk: { id: '729827e3-9c14-49f7-bb1b-9608f156bbb8', name: 'Helpdesk Administrator' },
  global: { id: '62e90394-69f5-4237-9190-012177145e10', name: 'Global Administrator' },
  security: { id: '194ae4cb-b126-40b2-bd5b-6091b380977d', name: 'Security Administrator' },
  /** Delegated mode (policy.yaml): Alice's own sign-in activates it, under PIM's MFA rule. */
  teams: { id: '69091246-20e8-4a56-aa4d-066075b2a7a8', name: 'Teams Administrator' },
} as const;

/** A PIM for Groups group and an Azure subscription, so all three kinds can be tried. */
export const SANDBOX_GROUP = {
  id: '5a1ce000-0000-4000-8000-0000000a9e11',
  name: 'Payments Oncall',
};
export const SANDBOX_SUBSCRIPTION = {
  id: '5a1ce000-0000-4000-8000-00000000a2e1',
  name: 'Payments Prod',
  resourceGroups: ['rg-payments', 'rg-payments-web'],
};
export const SANDBOX_AZURE_ROLES = {
  contributor: { id: 'b24988ac-6180-42a0-ab88-20f7382dd24c', name: 'Contributor' },
  reader: { id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', name: 'Reader' },
} as const;

const DAY = 86_400_000;

/** The sandbox's tenant as a world `now`: sign-ins dated back from it. */
export function sandboxWorld(now: number): WorldSpec {
  const [alice, bob, carol, , sam] = SANDBOX_PEOPLE.map((p) => p.id);
  const { exchange, helpdesk, global, security, teams } = SANDBOX_ROLES;
  const eligible = (id: string | undefined, ...roles: { id: string }[]) =>
    id ? eligibleFor([id], roles) : [];
  return {
    users: SANDBOX_PEOPLE.map((p) => ({
      id: p.id,
      name: p.name,
      upn: p.upn,
      lastSignIn: p.lastSignInDaysAgo === null ? null : now - p.lastSignInDaysAgo * DAY,
    })),
    roles: Object.values(SANDBOX_ROLES),
    eligible: [
      ...eligible(alice, exchange, helpdesk, global, teams),
      ...eligible(bob, security, global),
      ...eligible(carol, security),
      ...eligible(sam, exchange, global),
    ],
    // PIM's own settings: the stricter of these and the sandbox policy applies.
    pim: {
      [global.id]: { maximumDuration: 'PT2H', justification: true, ticketing: true },
      [exchange.id]: { maximumDuration: 'PT8H', justification: true },
      // PIM itself asks for MFA: in delegated mode a sign-in "without MFA" is refused by PIM.
      [teams.id]: { maximumDuration: 'PT4H', justification: true, mfa: true },
    },
    // Someone made a permanent assignment in the portal: reconcile and alerts report it.
    standing: carol ? [{ principalId: carol, roleId: helpdesk.id }] : [],
    pimGroups: [
      {
        ...SANDBOX_GROUP,
        eligible: [
          ...(alice ? [{ principalId: alice }] : []),
          ...(bob ? [{ principalId: bob, access: 'owner' as const }] : []),
        ],
        pim: { member: { maximumDuration: 'PT4H' } },
      },
    ],
    azure: {
      subscriptions: [SANDBOX_SUBSCRIPTION],
      roles: Object.values(SANDBOX_AZURE_ROLES),
      eligible: [
        ...(alice
          ? [
              {
                principalId: alice,
                roleId: SANDBOX_AZURE_ROLES.contributor.id,
                scope: `/subscriptions/${SANDBOX_SUBSCRIPTION.id}`,
              },
              // Delegated mode (policy.yaml): her own sign-in activates it, under ARM PIM's MFA rule.
              {
                principalId: alice,
                roleId: SANDBOX_AZURE_ROLES.reader.id,
                scope: `/subscriptions/${SANDBOX_SUBSCRIPTION.id}/resourceGroups/rg-payments-web`,
              },
            ]
          : []),
        ...(bob
          ? [
              {
                principalId: bob,
                roleId: SANDBOX_AZURE_ROLES.reader.id,
                scope: `/subscriptions/${SANDBOX_SUBSCRIPTION.id}/resourceGroups/rg-payments`,
              },
            ]
          : []),
      ],
      // ARM's own maximum for Contributor: the stricter of it and the policy applies. Reader
      // asks for MFA: in delegated mode a sign-in "without MFA" is refused by PIM.
      pim: {
        [SANDBOX_AZURE_ROLES.contributor.id]: { maximumDuration: 'PT2H' },
        [SANDBOX_AZURE_ROLES.reader.id]: { maximumDuration: 'PT4H', mfa: true },
      },
    },
  };
}

export function seedTenant(graph: EntraSim, now: number): void {
  seedWorld(graph.tenant, sandboxWorld(now));
  // The sandbox reviews the Payments Oncall group: Remove ends its eligibility through PIM.
  graph.tenant.grantPermissions([...ALL_PERMISSIONS, ...REVIEW_PERMISSIONS]);
}
