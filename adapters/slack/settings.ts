/**
 * What the Slack adapter needs to be told. `bot/config.ts` reads it from the environment;
 * a test or another entry point can build one directly.
 */
export interface SlackSettings {
  /** HTTP mode: verifies each request's signature. */
  readonly signingSecret?: string;
  /** The bot token (xoxb-…); required. */
  readonly botToken?: string;
  /** Socket Mode (xapp-…), used when there is no signing secret. */
  readonly appToken?: string;
  /** Another Slack Web API base (a stand-in in tests). */
  readonly apiUrl?: string;
}
