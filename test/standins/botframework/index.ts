/** Bot Framework stand-ins: the Connector (serviceUrl) API and the channel token issuer. */
export {
  type InboundActivity,
  type InvokeOptions,
  invokeActivity,
  type MessageOptions,
  messageActivity,
  postActivity,
  type TeamsConversation,
  type TeamsUser,
} from './activities.ts';
export {
  CHANNEL_TOKEN_ISSUER,
  type ChannelIssuer,
  type ChannelTokenClaims,
  startChannelIssuer,
} from './channel-issuer.ts';
export { CONNECTOR_SCOPE } from './connector-login.ts';
export {
  type BotConnectorOptions,
  type BotConnectorStandIn,
  startBotConnectorStandIn,
} from './connector-stand-in.ts';
export { MAX_ACTIVITY_BYTES } from './connector-state.ts';
export type {
  ActivityJson,
  MemberInput,
  RecordedCall,
  StoredActivity,
  StoredConversation,
  TeamsMember,
  TokenRequest,
} from './connector-types.ts';
