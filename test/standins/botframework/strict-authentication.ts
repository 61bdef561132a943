/**
 * The bot's own authentication (adapters/teams/auth.ts), which turns jsonwebtoken's errors
 * into 401 (botbuilder 4.23.3 answers them with 500), so the stand-in tests exercise the
 * same class the bot runs.
 */
export { StrictAuthentication as StrictBotFrameworkAuthentication } from '../../../adapters/teams/auth.ts';
