/**
 * What every DirectoryLookup must do, run by the in-memory directory and by the Graph adapter
 * over the simulated tenant, both seeded with CONTRACT_WORLD: users by object id, UPN or
 * email in any case, disabled accounts not found and approving nothing, approvers listed by
 * email/UPN or as a group the person is in, transitively. A name resolves by UPN first, then
 * by `mail` only when exactly one enabled user has it, and approvers are compared by object
 * id, so an editable `mail` never makes somebody else an approver. The last sign-in, by
 * object id.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorldSpec } from '../../adapters/entra-sim/world.ts';
import type { DirectoryLookup } from '../../bot/core/ports/directory.ts';
import {
  CAROL_MAIL,
  CAROL_UPN,
  CONTRACT_WORLD,
  fakeDate,
  GINA_MAIL,
  ids,
  LAST_SIGN_IN,
  SHARED_MAIL,
} from './entra-world.ts';

export interface DirectoryUnderTest {
  readonly directory: DirectoryLookup;
  teardown(): Promise<void>;
}

const alice = { id: ids.alice, displayName: 'Alice Admin', email: 'alice@contoso.com' };
const carol = { id: ids.carol, displayName: 'Carol OBrien', email: CAROL_MAIL };

export function directoryContract(
  name: string,
  setup: (world: WorldSpec) => Promise<DirectoryUnderTest>,
): void {
  describe(`DirectoryLookup contract: ${name}`, () => {
    let sut: DirectoryUnderTest;
    let d: DirectoryLookup;
    let clock: ReturnType<typeof fakeDate>;
    beforeEach(async () => {
      clock = fakeDate();
      sut = await setup(CONTRACT_WORLD);
      d = sut.directory;
    });
    afterEach(async () => {
      await sut.teardown();
      clock.restore();
    });

    it('finds a user by object id, UPN or email, in any case', async () => {
      expect(await d.findUser(ids.alice)).toEqual(alice);
      expect(await d.findUser('ALICE@contoso.com')).toEqual(alice);
      expect(await d.findUser(CAROL_UPN)).toEqual(carol);
      expect(await d.findUser(CAROL_MAIL.toUpperCase())).toEqual(carol);
    });

    it('does not find a disabled account, nor one that does not exist', async () => {
      expect(await d.findUser(ids.bob)).toBeNull();
      expect(await d.findUser('bob@contoso.com')).toBeNull();
      expect(await d.findUser('nobody@contoso.com')).toBeNull();
      expect(await d.findUser('7c3d0a5e-0000-4000-8000-0000000ff0ff')).toBeNull();
    });

    it('matches approvers listed by email or UPN', async () => {
      expect(await d.isAnyOf(ids.alice, ['bob@contoso.com', 'Alice@Contoso.com'])).toBe(true);
      expect(await d.isAnyOf(ids.carol, [CAROL_UPN])).toBe(true);
      expect(await d.isAnyOf(ids.carol, [CAROL_MAIL])).toBe(true);
      expect(await d.isAnyOf(ids.dave, ['alice@contoso.com'])).toBe(false);
      expect(await d.isAnyOf(ids.alice, [])).toBe(false);
    });

    it('matches group members transitively, and only members', async () => {
      expect(await d.isAnyOf(ids.alice, [`group:${ids.ops}`])).toBe(true);
      expect(await d.isAnyOf(ids.alice, [`group:${ids.onCall}`])).toBe(true);
      expect(await d.isAnyOf(ids.dave, [`group:${ids.ops}`])).toBe(true);
      expect(await d.isAnyOf(ids.dave, [`group:${ids.onCall}`])).toBe(false);
      expect(await d.isAnyOf(ids.carol, [`group:${ids.ops}`])).toBe(false);
    });

    it('a disabled account approves nothing, whatever it is listed as', async () => {
      expect(await d.isAnyOf(ids.bob, ['bob@contoso.com'])).toBe(false);
    });

    it('says whether an account is enabled, by object id only', async () => {
      expect(await d.isEnabled(ids.alice)).toBe(true);
      expect(await d.isEnabled(ids.bob)).toBe(false);
      expect(await d.isEnabled('7c3d0a5e-0000-4000-8000-0000000ff0ff')).toBe(false);
      expect(await d.isEnabled('alice@contoso.com')).toBe(false);
    });

    it("resolves a name by UPN before mail: a mail equal to somebody's UPN is not them", async () => {
      // Mallory set her mail to Alice's UPN, Trudy hers to disabled Bob's; Erin shares a mail with Frank; Gina is the one
      // enabled holder of a mail that a disabled account also has.
      expect(await d.findUser('alice@contoso.com')).toMatchObject({ id: ids.alice });
      expect(await d.isAnyOf(ids.mallory, ['alice@contoso.com'])).toBe(false);
      expect(await d.isAnyOf(ids.alice, ['alice@contoso.com'])).toBe(true);
      // Bob's UPN is taken by his disabled account: nobody inherits it through a mail.
      expect(await d.isAnyOf(ids.trudy, ['bob@contoso.com'])).toBe(false);
      expect(await d.findUser('bob@contoso.com')).toBeNull();
    });

    it('tells when a user last signed in, by object id; null for never and for nobody', async () => {
      expect(await d.lastSignIn?.(ids.alice)).toBe(LAST_SIGN_IN);
      expect(await d.lastSignIn?.(ids.carol)).toBeNull();
      expect(await d.lastSignIn?.(ids.dave)).toBeNull();
      expect(await d.lastSignIn?.('7c3d0a5e-0000-4000-8000-0000000ff0ff')).toBeNull();
      expect(await d.lastSignIn?.('alice@contoso.com')).toBeNull();
      expect(d.lastSignIn).toBeDefined();
    });

    it('resolves by mail only when exactly one enabled user has it', async () => {
      expect(await d.findUser(SHARED_MAIL)).toBeNull();
      expect(await d.isAnyOf(ids.erin, [SHARED_MAIL])).toBe(false);
      expect(await d.isAnyOf(ids.frank, [SHARED_MAIL])).toBe(false);
      expect(await d.findUser(GINA_MAIL)).toMatchObject({ id: ids.gina });
      expect(await d.isAnyOf(ids.gina, [GINA_MAIL])).toBe(true);
    });
  });
}
