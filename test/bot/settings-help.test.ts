/**
 * The settings as an operator finds them: `--help` and `.env.example` list every variable
 * bot/config.ts reads, `--version` the package version, and /metrics the build and the
 * process and Node runtime beside elevate's own.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ENV_NAMES } from '../../bot/config.ts';
import { Metrics } from '../../bot/metrics.ts';
import { SETTINGS } from '../../bot/settings-help.ts';

const run = promisify(execFile);
const VERSION = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
/** No settings at all, and some broken ones: help does not read them. */
const ENV = { PATH: process.env.PATH ?? '', PORT: 'not-a-port' };

describe('settings help', () => {
  it('`--help` prints every variable with its meaning and exits 0 without starting', async () => {
    const { stdout, stderr } = await run(process.execPath, ['bot/main.ts', '--help'], {
      env: ENV,
      timeout: 15_000,
    });
    expect(stderr).toBe('');
    expect(ENV_NAMES.length).toBeGreaterThan(20);
    for (const name of ENV_NAMES) {
      expect.soft(SETTINGS[name], `${name} described`).toBeDefined();
      expect.soft(stdout, name).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    }
    expect(stdout).toContain('(default: 3978)');
  });

  it('`--version` prints the version; an unknown argument says to try --help', async () => {
    const version = await run(process.execPath, ['bot/main.ts', '--version'], { env: ENV });
    expect(version.stdout).toBe(`${VERSION}\n`);
    const wrong = await run(process.execPath, ['bot/main.ts', '--nope'], { env: ENV }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(wrong).toMatchObject({
      code: 2,
      stderr: 'elevate: unknown argument --nope: try --help\n',
    });
  });

  it('.env.example lists every variable the bot reads, and nothing else', () => {
    const listed = readFileSync('.env.example', 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.slice(0, l.indexOf('=')));
    expect([...listed].sort()).toEqual([...ENV_NAMES].sort());
  });

  it('/metrics carries the build info and the default process and Node metrics', async () => {
    const text = await new Metrics().registry.metrics();
    expect(text).toContain(
      `elevate_build_info{version="${VERSION}",node="${process.versions.node}"} 1`,
    );
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_version_info',
    ])
      expect.soft(text, name).toMatch(new RegExp(`^${name}`, 'm'));
  });
});
