/**
 * The message lifecycle contract on every chat surface the bot posts to: Slack, Teams and
 * the sandbox console, each through its real platform path and stand-in.
 */
import { messageLifecycleContract } from '../contracts/message-lifecycle.contract.ts';
import { consoleSurface } from './surfaces/console.ts';
import { slackSurface } from './surfaces/slack.ts';
import { teamsSurface } from './surfaces/teams.ts';

messageLifecycleContract('slack', slackSurface, { listsApprovers: false });
messageLifecycleContract('teams', teamsSurface, { listsApprovers: true });
messageLifecycleContract('console', consoleSurface, { listsApprovers: false });
