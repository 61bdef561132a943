/**
 * Approval click to Graph call (DESIGN.md "Performance"): Alice asks for Exchange
 * Administrator with a signed slash command, Bob clicks Approve on the card in the approvals
 * channel (a signed block_actions), and the time is from the click leaving this process to
 * the activation request arriving at the Graph stand-in (its clock is this process's). In
 * between: the ack, the re-checks at approval (the approver's and the requester's accounts
 * and the eligibility, read at once; the first of these Graph reads is reported too), the
 * approval recorded, and the activate job queued and run by the worker, which goes on what the
 * approval just read. Each grant is deactivated again before the next request, so every round
 * is a first request.
 */

import { TENANT } from '../test/e2e/world.ts';
import type { GraphStandIn } from '../test/standins/graph/index.ts';
import type { SlackStandIn } from '../test/standins/slack/index.ts';
import { blockActionBody, postToBot, slashCommandBody } from '../test/standins/slack/index.ts';
import { waitFor } from '../test/support/wait.ts';
import { percentile } from './load.ts';

export interface ClickResult {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** p99 to the first Graph call the click causes (the re-checks at approval, read at once). */
  readonly firstP99: number;
}

const isActivation = (path: string, method: string) =>
  method === 'POST' && path.endsWith('/roleAssignmentScheduleRequests');

export async function clickToGraph(
  slack: SlackStandIn,
  graph: GraphStandIn,
  botUrl: string,
  user: string,
  rounds: number,
): Promise<ClickResult> {
  const send = (body: string) => postToBot(botUrl, slack.signingSecret, body);
  const command = async (text: string) => {
    const responseUrl = slack.responseUrl();
    const res = await send(
      slashCommandBody({
        text,
        userId: user,
        channelId: 'C0OPS',
        responseUrl,
        triggerId: slack.triggerId(),
        teamId: slack.teamId,
      }),
    );
    if (res.status !== 200) throw new Error(`slash command answered ${res.status}`);
    const reply = await waitFor(
      () => slack.responses.find((r) => r.url === responseUrl),
      10_000,
      `reply to ${text}`,
    );
    return JSON.stringify(reply.body);
  };
  const times: number[] = [];
  const firsts: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const reply = await command(`exo 1h bench approval round ${i} INC-${7000 + i}`);
    const id = /R[0-9A-Z]{7,}/.exec(reply)?.[0];
    if (!id) throw new Error(`no request id in ${reply}`);
    const card = await waitFor(
      () => slack.messagesIn('C0APPROVALS').find((m) => JSON.stringify(m.blocks).includes(id)),
      10_000,
      'approval card',
    );
    const before = graph.calls.length;
    const clicked = Date.now();
    const res = await send(
      blockActionBody({
        userId: TENANT.bob.slack,
        teamId: slack.teamId,
        actionId: 'elevate_approve',
        value: id,
        channelId: 'C0APPROVALS',
        messageTs: card.ts,
        responseUrl: slack.responseUrl(),
        triggerId: slack.triggerId(),
      }),
    );
    if (res.status !== 200) throw new Error(`click answered ${res.status}`);
    const call = await waitFor(
      () => graph.calls.slice(before).find((c) => isActivation(c.path, c.method)),
      10_000,
      'the activation at Graph',
    );
    times.push(call.at - clicked);
    const first = graph.calls.slice(before).find((c) => c.at >= clicked);
    firsts.push((first?.at ?? call.at) - clicked);
    // Ended again (once the bot has it active), so the next round asks anew.
    await waitFor(
      async () => (await command(`deactivate ${id}`)).includes('deactivated'),
      10_000,
      `${id} deactivated`,
    );
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? 0,
    firstP99: percentile(
      [...firsts].sort((a, b) => a - b),
      0.99,
    ),
  };
}
