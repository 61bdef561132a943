/**
 * The Teams settings are checked at start without loading botbuilder (the SDK loads on the
 * first activity): whatever the check refuses, botbuilder's own CloudAdapter refuses too, and
 * whatever it lets through botbuilder builds, so a bot that cannot authenticate still does
 * not start.
 */
import { CloudAdapter } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { botAuthentication } from '../../../adapters/teams/auth.ts';
import { type TeamsSettings, teamsSettingsProblem } from '../../../adapters/teams/settings.ts';

const base: TeamsSettings = {
  appId: '00000000-0000-4000-8000-00000000e1e7',
  appPassword: 'stand-in-bot-password',
  tenantId: 'contoso-tenant',
  appType: 'SingleTenant',
  allowUnauthenticated: false,
};

const refused: [string, TeamsSettings, RegExp][] = [
  [
    'a SingleTenant bot without a tenant',
    { ...base, tenantId: undefined },
    /MICROSOFT_APP_TENANT_ID is missing/,
  ],
  [
    'a SingleTenant bot without a password',
    { ...base, appPassword: '  ' },
    /MICROSOFT_APP_PASSWORD is missing/,
  ],
  [
    'a managed identity without a tenant',
    { ...base, appType: 'UserAssignedMSI', appPassword: undefined, tenantId: undefined },
    /MICROSOFT_APP_TENANT_ID is missing/,
  ],
  [
    'a managed identity with a password',
    { ...base, appType: 'UserAssignedMSI' },
    /MICROSOFT_APP_PASSWORD is set/,
  ],
];

const accepted: [string, TeamsSettings][] = [
  ['a SingleTenant bot', base],
  ['a MultiTenant bot', { ...base, appType: 'MultiTenant', tenantId: undefined }],
  ['a managed identity', { ...base, appType: 'UserAssignedMSI', appPassword: undefined }],
  ['no app id (emulators)', { appType: 'MultiTenant', allowUnauthenticated: true }],
];

describe('the Teams settings checked at start', () => {
  it.each(refused)('refuses %s, as botbuilder does', (_, settings, message) => {
    expect(teamsSettingsProblem(settings)).toMatch(message);
    expect(() => new CloudAdapter(botAuthentication(settings))).toThrow();
  });

  it.each(accepted)('accepts %s, which botbuilder builds', (_, settings) => {
    expect(teamsSettingsProblem(settings)).toBeNull();
    expect(() => new CloudAdapter(botAuthentication(settings))).not.toThrow();
  });
});
