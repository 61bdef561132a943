/**
 * A small tenant for core tests: people, roles, an approver group, and a policy written as
 * the loader would produce it. Everything runs on the in-memory ports, seeded from a world
 * description like the simulated tenant's.
 */

import { eligibleFor, type WorldSpec } from '../../adapters/entra-sim/world.ts';
import { MemoryAuditLog } from '../../adapters/memory/audit-log.ts';
import { ManualClock } from '../../adapters/memory/clock.ts';
import type { MemoryDirectory } from '../../adapters/memory/directory.ts';
import { sequentialIds } from '../../adapters/memory/ids.ts';
import { MemoryNotifier } from '../../adapters/memory/notifier.ts';
import type { MemoryPrivileges } from '../../adapters/memory/privilege-provider.ts';
import { MemoryRequestStore } from '../../adapters/memory/request-store.ts';
import { MemoryScheduler } from '../../adapters/memory/scheduler.ts';
import { memoryWorld } from '../../adapters/memory/world.ts';
import type { Policy, RolePolicy } from '../../bot/core/domain/policy.ts';
import type { Principal } from '../../bot/core/domain/principal.ts';
import type { RoleEntry, Target } from '../../bot/core/domain/target.ts';
import type { AuditLog } from '../../bot/core/ports/audit-log.ts';
import type { RequestStore } from '../../bot/core/ports/request-store.ts';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';

export const people = {
  alice: { id: 'u-alice', displayName: 'Alice Admin', email: 'alice@contoso.com' },
  bob: { id: 'u-bob', displayName: 'Bob Approver', email: 'bob@contoso.com' },
  carol: { id: 'u-carol', displayName: 'Carol Approver', email: 'carol@contoso.com' },
  dave: { id: 'u-dave', displayName: 'Dave Outsider', email: 'dave@contoso.com' },
  erin: { id: 'u-erin', displayName: 'Erin SecOps', email: 'erin@contoso.com' },
} satisfies Record<string, Principal>;

export const SECOPS_GROUP = '0f1e2d3c-0000-4000-8000-000000000001';

export const roles = {
  exchange: {
    kind: 'directory_role',
    id: '29232cdf-9323-42fd-ade2-1d097af3e4de',
    name: 'Exchange Administrator',
    aliases: ['exchange', 'exo'],
  },
  global: {
    kind: 'directory_role',
    id: '62e90394-69f5-4237-9190-012177145e10',
    name: 'Global Administrator',
    aliases: ['ga'],
  },
  helpdesk: {
    kind: 'directory_role',
    id: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
    name: 'Helpdesk Administrator',
    aliases: [],
  },
} satisfies Record<string, RoleEntry>;

export const target = (role: RoleEntry, scope = '/'): Target => ({
  kind: role.kind,
  id: role.id,
  name: role.name,
  scope,
});

const defaults: RolePolicy = {
  maxDuration: 8 * 3600,
  minDuration: 30 * 60,
  defaultDuration: 3600,
  approval: {
    required: true,
    approvers: ['bob@contoso.com', 'carol@contoso.com', `group:${SECOPS_GROUP}`],
    quorum: 1,
    timeout: 3600,
    escalateTo: [],
  },
  justification: { required: true, minLength: 10 },
  ticket: { required: false, pattern: '^(INC|CHG)-?\\d+$' },
  reminderBefore: 600,
  mfaRequired: false,
  mode: 'app',
};

export const testPolicy: Policy = {
  defaults,
  roles: new Map([
    [
      'Exchange Administrator',
      {
        aliases: ['exchange', 'exo'],
        policy: { ...defaults, maxDuration: 4 * 3600, propagation: 1200 },
      },
    ],
    [
      'Global Administrator',
      {
        aliases: ['ga'],
        policy: { ...defaults, maxDuration: 3600, approval: { ...defaults.approval, quorum: 2 } },
      },
    ],
    [
      'Helpdesk Administrator',
      { aliases: [], policy: { ...defaults, approval: { ...defaults.approval, required: false } } },
    ],
  ]),
  channels: { security: { slack: 'C0SECURITY' }, approvals: { slack: 'C0APPROVALS' } },
  auditors: ['erin@contoso.com'],
  identities: new Map(),
  alerts: {
    scanEvery: 900,
    tooFrequent: { count: 3, window: 86_400 },
    staleAccounts: { days: 90 },
    tooManyGlobalAdmins: { max: 5, percent: 10 },
    cooldown: 86_400,
  },
  timezone: 'Europe/Amsterdam',
};

/** Alice and Erin are eligible for every role; Erin is in SecOps, Alice through a nested group. */
export const TEST_WORLD: WorldSpec = {
  users: Object.values(people).map((p) => ({ id: p.id, name: p.displayName, upn: p.email })),
  groups: [
    { id: SECOPS_GROUP, name: 'SecOps', members: [people.erin.id, 'g-nested'] },
    { id: 'g-nested', name: 'SecOps on call', members: [people.alice.id] },
  ],
  roles: Object.values(roles).map((r) => ({ id: r.id, name: r.name })),
  eligible: eligibleFor([people.alice.id, people.erin.id], Object.values(roles)),
};

export const PAYMENTS_GROUP = '5a0e0c11-0000-4000-8000-00000000a9e1';
export const SUBSCRIPTION = 'dfa2a084-766f-4003-8ae1-c4aeb893a99f';
export const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
export const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

/**
 * TEST_WORLD with the other two kinds: Alice may activate membership of Payments Oncall and
 * Contributor on the whole Pay-As-You-Go subscription; Erin may own the group and read rg-app.
 */
export const MIXED_WORLD: WorldSpec = {
  ...TEST_WORLD,
  pimGroups: [
    {
      id: PAYMENTS_GROUP,
      name: 'Payments Oncall',
      eligible: [
        { principalId: people.alice.id },
        { principalId: people.erin.id, access: 'owner' },
      ],
      pim: { member: { maximumDuration: 'PT2H' } },
    },
  ],
  azure: {
    subscriptions: [
      { id: SUBSCRIPTION, name: 'Pay-As-You-Go', resourceGroups: ['rg-payments', 'rg-app'] },
    ],
    roles: [
      { id: CONTRIBUTOR, name: 'Contributor' },
      { id: READER, name: 'Reader' },
    ],
    eligible: [
      {
        principalId: people.alice.id,
        roleId: CONTRIBUTOR,
        scope: `/subscriptions/${SUBSCRIPTION}`,
      },
      {
        principalId: people.erin.id,
        roleId: READER,
        scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-app`,
      },
    ],
  },
};

export interface TestTenant {
  readonly deps: CoreDeps;
  readonly clock: ManualClock;
  readonly privileges: MemoryPrivileges;
  readonly directory: MemoryDirectory;
  readonly scheduler: MemoryScheduler;
  readonly notifier: MemoryNotifier;
}

/** Alice is eligible for every role; Erin (in the SecOps group) approves; Dave is nobody. */
export function testTenant(
  stores: { store: RequestStore; audit: AuditLog } | null = null,
  policy: Policy = testPolicy,
  world: WorldSpec = TEST_WORLD,
): TestTenant {
  const clock = new ManualClock();
  const audit = stores?.audit ?? new MemoryAuditLog();
  const store = stores?.store ?? new MemoryRequestStore(audit as MemoryAuditLog);
  const { privileges, directory } = memoryWorld(world, () => clock.now());
  const scheduler = new MemoryScheduler();
  const notifier = new MemoryNotifier();
  const deps: CoreDeps = {
    store,
    audit,
    directory,
    privileges,
    notifier,
    scheduler,
    clock,
    ids: sequentialIds(),
    policy: () => policy,
  };
  return { deps, clock, privileges, directory, scheduler, notifier };
}
