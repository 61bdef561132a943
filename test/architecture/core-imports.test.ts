/**
 * DESIGN.md's dependency rule, enforced: bot/core imports nothing but itself and a short list
 * of pure libraries. No SDK, no Redis, no HTTP, no adapters, jobs or cards.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const core = join(root, 'bot/core');

/** Pure computation only: date arithmetic and string distance. */
const ALLOWED_PACKAGES = new Set(['luxon', 'fastest-levenshtein']);

const IMPORT =
  /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

function violations(file: string, source: string): string[] {
  return importsOf(source).flatMap((spec) => {
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      return target.startsWith(`${core}/`) ? [] : [`${spec} (leaves bot/core)`];
    }
    const pkg = spec.startsWith('@')
      ? spec.split('/').slice(0, 2).join('/')
      : (spec.split('/')[0] ?? spec);
    return ALLOWED_PACKAGES.has(pkg) ? [] : [`${spec} (not an allowed package)`];
  });
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? tsFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('bot/core dependency rule', () => {
  it('imports only bot/core and pure libraries', () => {
    const found = tsFiles(core).flatMap((file) =>
      violations(file, readFileSync(file, 'utf8')).map((v) => `${relative(root, file)}: ${v}`),
    );
    expect(found).toEqual([]);
  });

  it('reads no environment and no globals that do I/O', () => {
    const found = tsFiles(core).filter((file) =>
      /\bprocess\.|\bfetch\(|\brequire\(/.test(readFileSync(file, 'utf8')),
    );
    expect(found.map((f) => relative(root, f))).toEqual([]);
  });

  it('catches the imports it must refuse', () => {
    const file = join(core, 'usecases/example.ts');
    const bad = [
      "import { Redis } from 'ioredis';",
      "import type { App } from '@slack/bolt';",
      "import http from 'node:http';",
      "import { x } from '../../../adapters/redis/request-store.ts';",
      "import { q } from '../../../jobs/queues.ts';",
      "export { c } from '../../../cards/approval.ts';",
      "const m = await import('botbuilder');",
      "import 'bullmq';",
    ];
    for (const line of bad) expect(violations(file, line), line).toHaveLength(1);
    expect(violations(file, "import { ok } from '../result.ts';")).toEqual([]);
    expect(violations(file, "import { DateTime } from 'luxon';")).toEqual([]);
  });
});

describe('configuration', () => {
  it('process.env is read only in bot/config.ts', () => {
    const dirs = ['bot', 'adapters', 'cards', 'jobs'].map((d) => join(root, d));
    const readers = dirs
      .flatMap((d) => {
        try {
          return tsFiles(d);
        } catch {
          return [];
        }
      })
      .filter((f) => readFileSync(f, 'utf8').includes('process.env'))
      .map((f) => relative(root, f));
    expect(readers).toEqual(['bot/config.ts']);
  });
});
