/**
 * deploy/compose.yaml against the Compose Specification's JSON schema (the copy dclint ships),
 * and what it must say: web and worker from one image, Redis 7 with every write fsynced,
 * health checks, secrets from a git-ignored env file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../bot/config.ts';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const schemaPath = join(
  dirname(createRequire(import.meta.url).resolve('dclint/package.json')),
  'schemas/compose.schema.json',
);
const compose = parse(readFileSync(root('deploy/compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, Record<string, unknown>>;
};

const env = (service: Record<string, unknown> | undefined) =>
  (service?.environment ?? {}) as Record<string, string>;

describe('deploy/compose.yaml', () => {
  it('validates against the Compose Specification schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
    const valid = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    expect(valid(compose), JSON.stringify(valid.errors, null, 1)).toBe(true);
    // The schema is not a formality: a misspelt key fails it.
    expect(valid({ ...compose, services: { web: { imagee: 'x' } } })).toBe(false);
  });

  it('runs web and worker, Redis with AOF fsync on every write, all health-checked', () => {
    const { web, worker, redis } = compose.services;
    expect(env(web).ELEVATE_PROCESS).toBe('web');
    expect(env(worker).ELEVATE_PROCESS).toBe('worker');
    expect(worker?.ports).toBeUndefined();
    expect(redis?.image).toMatch(/^redis:7/);
    expect(((redis?.command ?? []) as string[]).join(' ')).toContain(
      '--appendonly yes --appendfsync always',
    );
    for (const service of [web, worker, redis]) expect(service?.healthcheck).toBeDefined();
    for (const service of [web, worker]) {
      expect(service?.read_only).toBe(true);
      expect(() => loadConfig(env(service))).not.toThrow();
    }
  });

  it('takes secrets from deploy/.env, which git ignores', () => {
    expect(compose.services.web?.env_file).toEqual([{ path: '.env', required: true }]);
    const ignored = readFileSync(root('.gitignore'), 'utf8').split('\n');
    expect(ignored).toContain('deploy/.env');
    const example = readFileSync(root('deploy/.env.example'), 'utf8');
    const names = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);
    expect(names).toEqual(expect.arrayContaining(['SLACK_BOT_TOKEN', 'AZURE_CLIENT_ID']));
  });
});
