/**
 * Durations are whole seconds everywhere in the core. Parsing accepts the short forms people
 * type in chat (`90s`, `30m`, `2h`, `1h30m`, `1d`) and ISO 8601 (`PT2H`, `P1DT2H`).
 */
const SHORT = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/i;
const ISO = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;
const UNITS = [86_400, 3_600, 60, 1] as const;
/** Nothing we grant lasts longer than this; larger numbers are typos, not requests. */
const MAX_SECONDS = 366 * 86_400;

export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  const match = SHORT.exec(trimmed) ?? ISO.exec(trimmed);
  if (!match || trimmed === '' || /^PT?$/i.test(trimmed)) return null;
  if (match[0].toUpperCase().endsWith('T')) return null;
  let seconds = 0;
  let parts = 0;
  for (const [i, unit] of UNITS.entries()) {
    const value = match[i + 1];
    if (value === undefined) continue;
    if (value.length > 9) return null;
    seconds += Number(value) * unit;
    parts += 1;
  }
  if (parts === 0 || seconds <= 0 || seconds > MAX_SECONDS) return null;
  return seconds;
}

/** `5400` → `1h30m`; the inverse of the short form of parseDuration. */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds);
  // Below half a second rounds to nothing; `''` would read as a missing value in messages.
  if (!(rest > 0)) return '0s';
  let out = '';
  for (const [unit, suffix] of [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ] as const) {
    const n = Math.floor(rest / unit);
    if (n > 0) out += `${n}${suffix}`;
    rest -= n * unit;
  }
  return out;
}

/** ISO 8601 duration for Graph's `expiration.duration` (`PT2H30M`). */
export function toIsoDuration(seconds: number): string {
  const h = Math.floor(seconds / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = seconds % 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s || (!h && !m) ? `${s}S` : ''}`;
}
