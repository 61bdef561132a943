/**
 * Every runtime dependency in package.json earns its place: the shipped code (not the tests)
 * imports it or resolves a file of it, or a package that is imported declares it as a
 * required peer (read from package-lock.json), or it is a polyfill that a dependency's own
 * code demands and the shipped code imports for it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importsOf, sourcesUnder } from './imports.ts';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<
    string,
    { peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, unknown> }
  >;
};

const SHIPPED = ['bot', 'adapters', 'cards', 'jobs', 'scripts'];

describe('runtime dependencies', () => {
  it('are each used by the shipped code, directly or as a required peer of one that is', () => {
    const files = sourcesUnder(SHIPPED);
    const imported = new Set(files.flatMap((f) => importsOf(f.path, f.source).map((i) => i.pkg)));
    // createRequire(…).resolve('adaptivecards/package.json'): a file served, not imported.
    for (const f of files)
      for (const m of f.source.matchAll(/\.resolve\(\s*['"]((?:@[^/'"]+\/)?[^/'"]+)/g))
        imported.add(m[1] ?? '');
    const peers = new Set(
      [...imported].flatMap((name) => {
        const entry = lock.packages[`node_modules/${name}`];
        return Object.keys(entry?.peerDependencies ?? {}).filter(
          (peer) => !(entry?.peerDependenciesMeta?.[peer] as { optional?: boolean })?.optional,
        );
      }),
    );
    const unused = Object.keys(pkg.dependencies).filter((d) => !imported.has(d) && !peers.has(d));
    expect(unused).toEqual([]);
  });

  it('reflect-metadata is imported where @peculiar/x509 is (its tsyringe needs the polyfill)', () => {
    for (const f of sourcesUnder(SHIPPED)) {
      const pkgs = importsOf(f.path, f.source).map((i) => i.pkg);
      if (pkgs.includes('@peculiar/x509')) expect(pkgs, f.path).toContain('reflect-metadata');
    }
  });
});
