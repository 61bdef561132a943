import { readFileSync } from 'node:fs';
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

  it('asks for exactly the scopes the bot uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'chat:write',
        'commands',
        'files:write',
        'im:write',
        'users:read',
        'users:read.email',
      ].sort(),
    );
  });

  it('keeps within Slack limits', () => {
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
  });
});
