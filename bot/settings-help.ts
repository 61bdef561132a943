/**
 * `node bot/main.ts --help` and `--version`: the settings the bot reads (every variable of
 * bot/config.ts, with its default and meaning, as in the README's table), and the version.
 * Answered before the environment is read, so a broken environment still gets help.
 */
import { readFileSync } from 'node:fs';
import { ENV_NAMES } from './config.ts';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Default (– for none) and meaning of each variable. */
export const SETTINGS: Readonly<Record<string, readonly [string, string]>> = {
  SLACK_SIGNING_SECRET: ['–', 'Slack app signing secret; verifies every request to /slack/events'],
  SLACK_BOT_TOKEN: ['–', 'Slack bot token (xoxb-…)'],
  SLACK_APP_TOKEN: ['–', 'Slack app-level token (xapp-…): Socket Mode, no inbound endpoint'],
  SLACK_API_URL: ["Slack's", 'base URL of the Slack Web API (tests and stand-ins)'],
  MICROSOFT_APP_ID: ['–', 'Azure Bot app id; with it /api/messages requires a Bot Framework JWT'],
  MICROSOFT_APP_PASSWORD: ['–', 'Azure Bot client secret'],
  MICROSOFT_APP_TENANT_ID: ['–', 'tenant of a single-tenant bot (required for SingleTenant)'],
  MICROSOFT_APP_TYPE: ['SingleTenant', 'SingleTenant, MultiTenant or UserAssignedMSI'],
  TEAMS_SERVICE_URL: ['–', 'Bot Connector service URL for the first proactive message'],
  TEAMS_ALLOW_UNAUTHENTICATED: [
    'false',
    'serve /api/messages without an app id (emulators, tests)',
  ],
  BOT_OPENID_METADATA: ["Microsoft's", 'OpenID metadata URL of the Bot Framework token issuer'],
  AZURE_TENANT_ID: ['–', 'Entra tenant the bot manages'],
  AZURE_CLIENT_ID: ['–', 'app registration (or user-assigned managed identity) client id'],
  AZURE_CLIENT_SECRET: ['–', 'client secret; prefer a certificate or managed identity'],
  AZURE_CLIENT_CERTIFICATE_PATH: ['–', 'PEM certificate with private key for the app registration'],
  AZURE_FEDERATED_TOKEN_FILE: ['–', 'workload identity: the projected service-account token file'],
  AZURE_AUTHORITY_HOST: ['https://login.microsoftonline.com', 'Entra authority; https only'],
  GRAPH_BASE_URL: ['https://graph.microsoft.com', 'Microsoft Graph base URL; https only'],
  ARM_BASE_URL: [
    'https://management.azure.com',
    'Azure Resource Manager base URL (Azure resource roles); https only',
  ],
  REDIS_URL: ['redis://127.0.0.1:6379', 'Redis 7 (redis:// or rediss://)'],
  REDIS_PREFIX: ['elevate', 'key prefix; {elevate} on Redis Cluster; the sandbox uses it when set'],
  PUBLIC_URL: ['–', 'the bot address people reach; Teams export links point here'],
  SIEM_SECRET: ['–', 'HMAC key for forwarding audit events to policy.yaml siem.url'],
  PAGERDUTY_TOKEN: ['–', 'PagerDuty REST API key (read-only) for approval.autoApprove.onCall'],
  PAGERDUTY_BASE_URL: ['https://api.pagerduty.com', 'PagerDuty REST API v2 base URL'],
  OPSGENIE_TOKEN: ['–', 'Opsgenie API integration key for approval.autoApprove.onCall'],
  OPSGENIE_BASE_URL: [
    'https://api.opsgenie.com',
    'Opsgenie API base URL (https://api.eu.opsgenie.com for the EU)',
  ],
  POLICY_FILE: ['./policy.yaml', 'the policy'],
  PORT: ['3978', 'the one HTTP port'],
  LOG_LEVEL: ['info', 'fatal, error, warn, info, debug, trace or silent'],
  ELEVATE_PROCESS: ['all', 'web (HTTP only), worker (jobs only) or all'],
  REDIS_CLUSTER_NODES: [
    '\u2013',
    'Redis Cluster seed nodes host:port,host:port; REDIS_URL then gives credentials and TLS',
  ],
  AUDIT_ANCHOR_EVERY: ['1', 'log the audit chain head every this many entries'],
  ELEVATE_HMAC_KEY: [
    '\u2013',
    '32+ character secret sealing Redis records and keying the audit chain (required outside the sandbox)',
  ],
  REDIS_INSECURE: [
    'false',
    'true: production on a Redis with neither password nor TLS, on purpose',
  ],
  LOG_BODIES: ['false', 'true: log message reasons, names and bodies (debugging only)'],
  METRICS_TOKEN: ['\u2013', 'bearer token /metrics requires'],
  METRICS_PORT: ['\u2013', 'serve /metrics on this port instead of PORT'],
  BOT_LOGIN_URL: [
    '\u2013',
    'where the bot gets its own Bot Connector token (sovereign clouds, stand-ins)',
  ],
};

export function helpText(): string {
  const width = Math.max(...ENV_NAMES.map((n) => n.length));
  const rows = ENV_NAMES.map((name) => {
    const [fallback, meaning] = SETTINGS[name] ?? ['–', 'see the README'];
    return `  ${name.padEnd(width)}  ${meaning}${fallback === '–' ? '' : ` (default: ${fallback})`}`;
  });
  return [
    `elevate ${VERSION}: just-in-time Microsoft Entra roles from Slack and Teams`,
    '',
    'Usage: node bot/main.ts [--help | --version]   (npm start)',
    '',
    'Settings come from the environment (empty counts as unset). With no Slack, Teams or',
    'Azure variable set, elevate runs as the sandbox at http://localhost:3978/.',
    '',
    ...rows,
    '',
  ].join('\n');
}

/** What to print for the command-line arguments; null: start the bot. */
export function answerArguments(
  args: readonly string[],
): { readonly code: number; readonly out?: string; readonly err?: string } | null {
  const [first] = args;
  if (first === undefined) return null;
  if (first === '--help' || first === '-h') return { code: 0, out: helpText() };
  if (first === '--version' || first === '-v') return { code: 0, out: `${VERSION}\n` };
  return { code: 2, err: `elevate: unknown argument ${first}: try --help\n` };
}
