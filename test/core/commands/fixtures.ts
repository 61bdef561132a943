/** A role catalogue and parse context shared by the command parser tests. */
import type { ParseContext } from '../../../bot/core/commands/command.ts';
import type { RoleEntry } from '../../../bot/core/domain/target.ts';

const role = (id: string, name: string, aliases: string[] = []): RoleEntry => ({
  kind: 'directory_role',
  id,
  name,
  aliases,
});

export const GLOBAL_ADMIN = role('62e90394', 'Global Administrator', ['ga', 'global admin']);
export const GLOBAL_READER = role('f2ef992c', 'Global Reader');
export const EXCHANGE_ADMIN = role('29232cdf', 'Exchange Administrator', ['exchange']);
export const EXCHANGE_RECIPIENT = role('31392ffb', 'Exchange Recipient Administrator');
export const SHAREPOINT_ADMIN = role('f28a1f50', 'SharePoint Administrator', ['spo']);
export const SECURITY_ADMIN = role('194ae4cb', 'Security Administrator');
export const SECURITY_READER = role('5d6b6bb7', 'Security Reader');
export const USER_ADMIN = role('fe930be7', 'User Administrator');
export const INTUNE_ADMIN = role('3a2c62db', 'Intune Administrator');
export const PROD_ADMINS: RoleEntry = {
  kind: 'group',
  id: 'a1b2c3d4',
  name: 'Admins in Prod',
  aliases: ['prod'],
};

export const ROLES: readonly RoleEntry[] = [
  GLOBAL_ADMIN,
  GLOBAL_READER,
  EXCHANGE_ADMIN,
  EXCHANGE_RECIPIENT,
  SHAREPOINT_ADMIN,
  SECURITY_ADMIN,
  SECURITY_READER,
  USER_ADMIN,
  INTUNE_ADMIN,
  PROD_ADMINS,
];

/** Tuesday 2026-11-03 10:30 in Berlin (09:30 UTC). */
export const NOW = Date.UTC(2026, 10, 3, 9, 30);

export const CTX: ParseContext = { roles: ROLES, now: NOW, timezone: 'Europe/Berlin' };

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
