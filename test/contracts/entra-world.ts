/**
 * The tenant both Entra contracts run on, built through the one world description into the
 * in-memory ports and into the simulated tenant behind the real Graph adapter. The clock is
 * Date itself (faked), so the adapter, its caches and the tenant agree on the time.
 */
import { vi } from 'vitest';
import { eligibleFor, type WorldSpec } from '../../adapters/entra-sim/world.ts';
import type { Target } from '../../bot/core/domain/target.ts';

export const START = Date.UTC(2026, 10, 23, 9);
export const HOUR = 3_600_000;
/** Alice's last sign-in, three days before START. */
export const LAST_SIGN_IN = START - 72 * HOUR;

export const ids = {
  alice: '7c3d0a5e-0000-4000-8000-00000000a11c',
  bob: '7c3d0a5e-0000-4000-8000-0000000000b0',
  carol: '7c3d0a5e-0000-4000-8000-0000000ca201',
  dave: '7c3d0a5e-0000-4000-8000-0000000da4e0',
  ops: '7c3d0a5e-0000-4000-8000-0000000000e1',
  onCall: '7c3d0a5e-0000-4000-8000-0000000000e2',
  mallory: '7c3d0a5e-0000-4000-8000-0000000aa110',
  trudy: '7c3d0a5e-0000-4000-8000-0000000aa111',
  erin: '7c3d0a5e-0000-4000-8000-000000000e71',
  frank: '7c3d0a5e-0000-4000-8000-000000000f7a',
  gina: '7c3d0a5e-0000-4000-8000-00000000091a',
  ginaOld: '7c3d0a5e-0000-4000-8000-00000000091b',
} as const;

/** Held by two enabled accounts (Erin, Frank): it names nobody. */
export const SHARED_MAIL = 'ops-shared@contoso.com';
/** Held by enabled Gina and a disabled old account: it names Gina. */
export const GINA_MAIL = 'gina.m@contoso.com';

const role = (id: string, name: string): Target => ({
  kind: 'directory_role',
  id,
  name,
  scope: '/',
});

export const targets = {
  exchange: role('29232cdf-9323-42fd-ade2-1d097af3e4de', 'Exchange Administrator'),
  global: role('62e90394-69f5-4237-9190-012177145e10', 'Global Administrator'),
  helpdesk: role('729827e3-9c14-49f7-bb1b-9608f156bbb8', 'Helpdesk Administrator'),
  security: role('194ae4cb-b126-40b2-bd5b-6091b380977d', 'Security Administrator'),
} as const;

export const CAROL_UPN = 'carol_fabrikam.com#EXT#@contoso.onmicrosoft.com';
export const CAROL_MAIL = 'carol.obrien@fabrikam.com';

/**
 * Alice: Exchange directly, Helpdesk through a nested group, Security until an hour after
 * START, signed in three days before START. Bob: disabled. Carol: a guest whose mail is not
 * her UPN, never signed in. Dave: nothing eligible, a standing Global Administrator
 * assignment made in the portal.
 */
export const CONTRACT_WORLD: WorldSpec = {
  users: [
    { id: ids.alice, name: 'Alice Admin', upn: 'alice@contoso.com', lastSignIn: LAST_SIGN_IN },
    { id: ids.bob, name: 'Bob Gone', upn: 'bob@contoso.com', enabled: false },
    { id: ids.carol, name: 'Carol OBrien', upn: CAROL_UPN, mail: CAROL_MAIL, lastSignIn: null },
    { id: ids.dave, name: 'Dave Outsider', upn: 'dave@contoso.com' },
    // `mail` is editable in Entra and not unique: these are the collisions the resolver meets.
    { id: ids.mallory, name: 'Mallory', upn: 'mallory@contoso.com', mail: 'alice@contoso.com' },
    { id: ids.trudy, name: 'Trudy', upn: 'trudy@contoso.com', mail: 'bob@contoso.com' },
    { id: ids.erin, name: 'Erin', upn: 'erin@contoso.com', mail: SHARED_MAIL },
    { id: ids.frank, name: 'Frank', upn: 'frank@contoso.com', mail: SHARED_MAIL },
    { id: ids.gina, name: 'Gina', upn: 'gina@contoso.com', mail: GINA_MAIL },
    {
      id: ids.ginaOld,
      name: 'Gina (old)',
      upn: 'gina.old@contoso.com',
      mail: GINA_MAIL,
      enabled: false,
    },
  ],
  groups: [
    { id: ids.ops, name: 'Ops', members: [ids.onCall, ids.dave] },
    { id: ids.onCall, name: 'Ops on call', members: [ids.alice] },
  ],
  roles: Object.values(targets).map((t) => ({ id: t.id, name: t.name })),
  eligible: [
    ...eligibleFor([ids.alice], [targets.exchange]),
    { principalId: ids.onCall, roleId: targets.helpdesk.id },
    { principalId: ids.alice, roleId: targets.security.id, endsAt: START + HOUR },
    ...eligibleFor([ids.bob], [targets.exchange]),
  ],
  pim: {
    [targets.exchange.id]: { maximumDuration: 'PT4H', justification: true, ticketing: true },
  },
  standing: [{ principalId: ids.dave, roleId: targets.global.id }],
};

/** Only Date is faked: sockets, retries and MSAL's timers run on real time. */
export function fakeDate(): { advance(ms: number): void; restore(): void } {
  vi.useFakeTimers({ toFake: ['Date'], now: START });
  return {
    advance: (ms) => vi.setSystemTime(Date.now() + ms),
    restore: () => vi.useRealTimers(),
  };
}
