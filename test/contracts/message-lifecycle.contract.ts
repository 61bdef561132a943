/**
 * What every chat surface shows over one request's life, asserted from what the platform
 * received: submit → escalate → approve → activated → remind → end. The approval card is
 * posted once per conversation and from then on updated in place; the requester and the
 * security channel hear each outcome once. The time-based steps run the core use cases the
 * job processors run, so the test needs no waiting for timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreDeps } from '../../bot/core/usecases/deps.ts';
import { end } from '../../bot/core/usecases/end.ts';
import { approvalTimedOut, remind } from '../../bot/core/usecases/timers.ts';
import { waitFor } from '../support/wait.ts';

/** One approval card as the platform holds it, with every version it showed. */
export interface PostedCard {
  /** The conversation it was posted to (channel, DM, personal chat, console feed). */
  readonly conversation: string;
  /** Its id there (Slack ts, Teams activity id, console feed item id). */
  readonly messageId: string;
  /** As posted, then after each update in place; each as JSON text. */
  readonly versions: readonly string[];
}

/** Teams lists the approvers on the card (refresh.userIds) so their view refreshes. */
export interface ApproverIds {
  /** Ids of the approvers asked first who talk to the bot. */
  readonly first: readonly string[];
  /** Ids of the backup approvers (escalateTo) who talk to the bot. */
  readonly backup: readonly string[];
  /** The ids a card (JSON text) lists. */
  of(card: string): readonly string[];
}

/** A chat surface driven only through its platform, the bot's HTTP routes and `deps`. */
export interface SurfaceHarness {
  readonly deps: CoreDeps;
  /** Conversations the approval card must reach: at submit, and in addition at escalation. */
  readonly conversations: {
    readonly approvers: readonly string[];
    readonly backup: readonly string[];
  };
  /** `/elevate <text>` as the requester; the bot's answer as text. */
  submit(text: string): Promise<string>;
  /** Approve as the backup approver from the approvals channel; the card the clicker got back. */
  approve(requestId: string): Promise<string | null>;
  /** Whether the tenant holds the requested assignment now. */
  granted(): Promise<boolean>;
  approvalCards(requestId: string): Promise<readonly PostedCard[]>;
  /** Whether a card (JSON text) still offers Approve. */
  offersApprove(card: string): boolean;
  /** Messages in the requester's chat with the bot, as text. */
  toRequester(): Promise<readonly string[]>;
  /** Messages in the security channel, as text. */
  toSecurity(): Promise<readonly string[]>;
  /** Grows with every call the platform received, to wait until the bot is quiet. */
  traffic(): Promise<number>;
  readonly approverIds?: ApproverIds;
  close(): Promise<void>;
}

const REQUEST = 'Exchange Administrator 2h fixing mail flow INC-4711';

const requesterHears = (id: string) => ({
  approved: new RegExp(`request ${id} for [^"]*is approved`),
  activated: new RegExp(`is active until [^"]*${id}`),
  reminder: new RegExp(`ends in [^"]*extend ${id}`),
  ended: new RegExp(`grant ${id} of [^"]*expired`),
});

const securityHears = (id: string) => ({
  escalated: new RegExp(`request ${id} for [^"]*backup approvers`),
  activated: new RegExp(`activated [^"]*${id}`),
  ended: new RegExp(`grant ${id} of [^"]*expired`),
});

/** Every surface's `approve` clicks as Carol (Carol Approver, in the sandbox Carol Backup). */
const APPROVED_BY = /Approved by Carol (Approver|Backup)/;

const keyOf = (c: PostedCard) => `${c.conversation}#${c.messageId}`;
const latest = (c: PostedCard) => c.versions.at(-1) ?? '';
const count = (texts: readonly string[], pattern: RegExp) =>
  texts.filter((t) => pattern.test(t)).length;

function postsPer(cards: readonly PostedCard[]): Record<string, number> {
  const posts: Record<string, number> = {};
  for (const c of cards) posts[c.conversation] = (posts[c.conversation] ?? 0) + 1;
  return posts;
}

const once = (conversations: readonly string[]) =>
  Object.fromEntries(conversations.map((c) => [c, 1]));

/** Waits for `check`, but lets the assertions that follow say what is wrong. */
const awaitOrReport = (check: () => Promise<unknown>, what: string, ms = 8_000) =>
  waitFor(check, ms, what).catch(() => null);

/** Until the platform received nothing new for a while: every queued notification is out. */
async function quiet(h: SurfaceHarness, calmMs = 700, maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = await h.traffic();
  let since = Date.now();
  while (Date.now() < deadline && Date.now() - since < calmMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await h.traffic();
    if (now !== last) [last, since] = [now, Date.now()];
  }
}

/**
 * `listsApprovers`: the surface's cards name their approvers (Teams refresh.userIds), so the
 * harness has `approverIds` and the suite checks them.
 */
export function messageLifecycleContract(
  name: string,
  start: () => Promise<SurfaceHarness>,
  options: { readonly listsApprovers: boolean },
) {
  describe(`message lifecycle contract: ${name}`, () => {
    let h: SurfaceHarness;
    let id = '';
    let answer: string | null = null;
    /** Per card, the index of its first version made after escalation. */
    const escalatedFrom = new Map<string, number>();
    const everyone = () => [...h.conversations.approvers, ...h.conversations.backup];
    const cards = () => h.approvalCards(id);

    /** Runs a step that changes the card, then checks every card was re-rendered in place. */
    async function expectUpdatedInPlace(step: () => Promise<void>, shows: RegExp) {
      const before = new Map((await cards()).map((c) => [keyOf(c), c.versions.length]));
      await step();
      await awaitOrReport(
        async () => (await cards()).every((c) => shows.test(latest(c))),
        `every card showing ${shows}`,
      );
      await quiet(h);
      const after = await cards();
      expect(postsPer(after), 'no card posted again').toEqual(once(everyone()));
      for (const card of after) {
        const at = keyOf(card);
        expect.soft(card.versions.length, `${at} updated`).toBeGreaterThan(before.get(at) ?? 0);
        expect.soft(latest(card), `${at} shows ${shows}`).toMatch(shows);
        expect.soft(h.offersApprove(latest(card)), `${at} offers no Approve`).toBe(false);
      }
    }

    beforeAll(async () => {
      h = await start();
    }, 60_000);
    afterAll(async () => {
      await h?.close();
    });

    it('posts the approval card once to the approvals channel and each approver', async () => {
      id = /R[0-9A-Z]{7,}/.exec(await h.submit(REQUEST))?.[0] ?? '';
      expect(id, 'the answer names the request').not.toBe('');
      await awaitOrReport(async () => {
        const posted = postsPer(await cards());
        return h.conversations.approvers.every((c) => (posted[c] ?? 0) > 0);
      }, 'the approval cards');
      await quiet(h);
      const posted = await cards();
      expect(postsPer(posted)).toEqual(once(h.conversations.approvers));
      for (const card of posted) expect.soft(h.offersApprove(latest(card))).toBe(true);
    });

    it('escalation posts the card to the backup approver only, once', async () => {
      const escalated = await approvalTimedOut(h.deps, id);
      expect(escalated.ok && escalated.value.approval.escalated).toBe(true);
      await awaitOrReport(async () => {
        const posted = postsPer(await cards());
        return h.conversations.backup.every((c) => (posted[c] ?? 0) > 0);
      }, 'the card for the backup approver');
      await awaitOrReport(
        async () => count(await h.toSecurity(), securityHears(id).escalated) > 0,
        'the security channel told of the escalation',
      );
      await quiet(h);
      const posted = await cards();
      expect(postsPer(posted)).toEqual(once(everyone()));
      for (const card of posted) {
        escalatedFrom.set(keyOf(card), card.versions.length - 1);
        expect.soft(h.offersApprove(latest(card)), `${keyOf(card)} offers Approve`).toBe(true);
      }
    });

    it('approval and activation update every card in place to the active grant', async () => {
      await expectUpdatedInPlace(async () => {
        answer = await h.approve(id);
        await waitFor(() => h.granted(), 15_000, 'the assignment in Entra');
        await awaitOrReport(
          async () => count(await h.toRequester(), requesterHears(id).activated) > 0,
          'the requester told the grant is active',
        );
      }, /Active until/);
    });

    it('after the approval every card and the security post name who approved', async () => {
      for (const card of await cards())
        expect.soft(latest(card), `${keyOf(card)} names the approver`).toMatch(APPROVED_BY);
      const activated = (await h.toSecurity()).filter((t) => securityHears(id).activated.test(t));
      expect(activated).toHaveLength(1);
      expect(activated[0]).toMatch(APPROVED_BY);
    });

    it('reminds the requester before the grant ends', async () => {
      const reminded = await remind(h.deps, id);
      expect(reminded.ok && reminded.value.state).toBe('active');
      await awaitOrReport(
        async () => count(await h.toRequester(), requesterHears(id).reminder) > 0,
        'the reminder',
      );
      await quiet(h);
      expect(postsPer(await cards()), 'no card posted again').toEqual(once(everyone()));
    });

    it('the end updates every card in place, the last version saying it expired', async () => {
      await expectUpdatedInPlace(async () => {
        const ended = await end(h.deps, id, 'expired', null);
        expect(ended.ok && ended.value.state).toBe('ended');
      }, /Expired at/);
      expect(await h.granted(), 'the assignment is gone').toBe(false);
    });

    it('the requester hears approved, activated, reminder and ended exactly once each', async () => {
      const heard = await h.toRequester();
      for (const [change, pattern] of Object.entries(requesterHears(id)))
        expect.soft(count(heard, pattern), `requester told "${change}"`).toBe(1);
    });

    it('the security channel hears escalated, activated and ended exactly once each', async () => {
      const heard = await h.toSecurity();
      for (const [change, pattern] of Object.entries(securityHears(id)))
        expect.soft(count(heard, pattern), `security channel told "${change}"`).toBe(1);
    });

    if (options.listsApprovers)
      it('every card lists the current approvers who talk to the bot, also the clicked one', async () => {
        const ids = h.approverIds;
        expect(ids, 'the surface lists approver ids').toBeDefined();
        if (!ids) return;
        const all = [...ids.first, ...ids.backup];
        for (const card of await cards()) {
          for (const [index, version] of card.versions.entries()) {
            const wanted = index >= (escalatedFrom.get(keyOf(card)) ?? 0) ? all : [...ids.first];
            expect
              .soft(ids.of(version), `${keyOf(card)} version ${index}`)
              .toEqual(expect.arrayContaining(wanted));
          }
        }
        expect
          .soft(ids.of(answer ?? ''), 'the card answered to the clicker')
          .toEqual(expect.arrayContaining(all));
      });
  });
}
