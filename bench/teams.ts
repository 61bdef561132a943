/**
 * Teams activities through the running bot, as the channel sends them: a signed `help` typed in
 * a personal chat, timed from the POST to the bot's reply arriving at the Bot Connector. The
 * first one of a process loads the Teams SDK (adapters/teams/sdk.ts), which Teams' 15 s invoke
 * timeout must leave far behind; the ones after it show what a warm process answers in.
 */
import { TENANT } from '../test/e2e/world.ts';
import { messageActivity, postActivity } from '../test/standins/botframework/index.ts';
import { type Stack, TEAMS_APP_ID } from './stack.ts';

/** Milliseconds from each POST to its reply, `count` activities one after another. */
export async function teamsActivities(
  stack: Stack,
  botUrl: string,
  count: number,
): Promise<number[]> {
  const { connector, issuer } = stack;
  const token = await issuer.sign({ appId: TEAMS_APP_ID, serviceUrl: connector.serviceUrl });
  const alice = TENANT.alice;
  const conversation = {
    id: `a:1-bench-${Date.now()}`,
    conversationType: 'personal' as const,
    tenantId: 'contoso-tenant',
  };
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const before = connector.activitiesIn(conversation.id).length;
    const started = performance.now();
    const activity = messageActivity({
      text: 'help',
      from: { id: `29:${alice.slack}`, name: alice.name, aadObjectId: alice.id },
      conversation,
      serviceUrl: connector.serviceUrl,
    });
    const answer = await postActivity(`${botUrl}/api/messages`, activity, token);
    if (answer.status !== 200) throw new Error(`Teams activity answered ${answer.status}`);
    const deadline = started + 15_000;
    while (connector.activitiesIn(conversation.id).length <= before) {
      if (performance.now() > deadline) throw new Error('no reply to a Teams activity in 15 s');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    times.push(performance.now() - started);
  }
  return times;
}
