/** Block Kit message types, and the shared wording re-exported for the Slack renderers. */
import type { types } from '@slack/bolt';

export {
  awaitingAcknowledgement,
  awaitingDecision,
  cardStatus,
  cardTitle,
  clock,
  eligibilityCut,
  left,
  roleList,
  statusLine,
  targetsTitle,
  who,
} from '../wording.ts';

export type Block = types.KnownBlock;
export interface SlackMessage {
  readonly text: string;
  readonly blocks: Block[];
}
