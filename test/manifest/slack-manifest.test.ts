import { globSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface SlackManifest {
  display_information: { name: string; description: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: { command: string; url: string; should_escape: boolean }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

const manifest = parse(readFileSync('manifest/slack/manifest.yaml', 'utf8')) as SlackManifest;

/** Every Web API method the Slack adapter calls: `client.<family>.<method>(` or `apiCall('x.y')`. */
function calledMethods(): string[] {
  const methods = new Set<string>();
  for (const file of globSync('adapters/slack/**/*.ts')) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/\bclient\.([a-z]+)\.([a-zA-Z]+)\(/g))
      methods.add(`${m[1]}.${m[2]}`);
    for (const m of source.matchAll(/\.apiCall\(\s*['"]([a-z]+\.[a-zA-Z.]+)['"]/g))
      methods.add(m[1] ?? '');
  }
  return [...methods].sort();
}

interface OpenApi {
  paths: Record<string, Record<string, { security?: { slackAuth?: string[] }[] }>>;
}
const webApi = JSON.parse(
  readFileSync('test/schemas/slack-web-api-subset.json', 'utf8'),
) as OpenApi;

/**
 * Methods the contract (Slack's OpenAPI spec, 2021) lacks, with the scopes Slack's method
 * reference lists (api.slack.com/methods/<method>, "Required scopes", bot token).
 */
const NOT_IN_CONTRACT: Record<string, readonly string[]> = {
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'users.list': ['users:read'],
};

/**
 * Where the contract accepts any of several scopes, the one this bot's use needs:
 * conversations.open is only ever called to open a direct message.
 */
const CHOSEN: Record<string, string> = { 'conversations.open': 'im:write' };

/** The bot scopes one method needs, read from the contract where it lists the method. */
function scopesFor(method: string): readonly string[] {
  const listed = NOT_IN_CONTRACT[method];
  if (listed) return listed;
  const operations = webApi.paths[`/${method}`];
  if (!operations)
    throw new Error(`${method}: not in the contract; add its scopes to NOT_IN_CONTRACT`);
  const accepted = Object.values(operations)
    .flatMap((op) => op.security ?? [])
    .flatMap((s) => s.slackAuth ?? [])
    // The 2021 spec still names the legacy `chat:write:bot`; bot tokens ask for `chat:write`.
    .map((scope) => scope.replace(/:(bot|user)$/, ''))
    .filter((scope) => scope !== 'none');
  const options = [...new Set(accepted)];
  if (options.length <= 1) return options;
  const chosen = CHOSEN[method];
  if (chosen === undefined || !options.includes(chosen))
    throw new Error(`${method}: accepts any of ${options.join(', ')}; say in CHOSEN which one`);
  return [chosen];
}

describe('Slack app manifest', () => {
  it('declares the slash command and interactivity on the bot endpoint', () => {
    const [command] = manifest.features.slash_commands;
    expect(command?.command).toBe('/elevate');
    expect(new URL(command?.url ?? '').pathname).toBe('/slack/events');
    expect(command?.should_escape).toBe(false);
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      request_url: command?.url,
    });
    expect(manifest.features.bot_user.display_name).toBe('elevate');
  });

  it('asks for exactly the scopes the Web API methods the code calls need', () => {
    const called = calledMethods();
    // The scan must see the calls it is about, or an empty set would pass trivially.
    expect(called).toEqual(expect.arrayContaining(['chat.postMessage', 'users.lookupByEmail']));
    const needed = new Set<string>(manifest.features.slash_commands.length > 0 ? ['commands'] : []);
    for (const method of called) {
      for (const scope of scopesFor(method)) needed.add(scope);
    }
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('keeps within Slack limits', () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
  });
});
