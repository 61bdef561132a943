import type { SecurityAlert } from '../bot/core/domain/alert.ts';
import { clock } from './wording.ts';

/** A security finding as lines: title, details, since when, and what to do. */
export function alertLines(alert: SecurityAlert, timezone: string): string[] {
  return [
    `⚠ ${alert.title}`,
    ...alert.details,
    ...(alert.since === null ? [] : [`Since: ${clock(alert.since, timezone)}`]),
    `What to do: ${alert.action}`,
  ];
}
