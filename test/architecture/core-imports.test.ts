/**
 * DESIGN.md's dependency rule, enforced: bot/core imports nothing but itself and a short list
 * of pure libraries. No SDK, no Redis, no HTTP, no adapters, jobs or cards. The rule itself is
 * the first row of the table in rules.ts; the I/O and environment checks live here.
 */
import { describe, expect, it } from 'vitest';
import { sourcesUnder } from './imports.ts';
import { RULES, violations } from './rules.ts';

const core = sourcesUnder(['bot/core']);
const coreRule = RULES.filter((r) => r.name === 'core is pure');

describe('bot/core dependency rule', () => {
  it('imports only bot/core and pure libraries', () => {
    expect(coreRule).toHaveLength(1);
    expect(violations(core, coreRule)).toEqual([]);
  });

  it('reads no environment and no globals that do I/O', () => {
    const found = core.filter((f) => /\bprocess\.|\bfetch\(|\brequire\(/.test(f.source));
    expect(found.map((f) => f.path)).toEqual([]);
  });

  it('catches the imports it must refuse', () => {
    const check = (source: string) =>
      violations([{ path: 'bot/core/usecases/example.ts', source }], coreRule);
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
    for (const line of bad) expect(check(line), line).toHaveLength(1);
    expect(check("import { ok } from '../result.ts';")).toEqual([]);
    expect(check("import { DateTime } from 'luxon';")).toEqual([]);
  });
});

describe('configuration', () => {
  it('process.env is read only in bot/config.ts', () => {
    const readers = sourcesUnder(['bot', 'adapters', 'cards', 'jobs'])
      .filter((f) => f.source.includes('process.env'))
      .map((f) => f.path);
    expect(readers).toEqual(['bot/config.ts']);
  });
});
