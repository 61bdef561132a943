/**
 * `npm run build`: the production entry as one bundle, dist/main.mjs (with its lazily loaded
 * chunks beside it): Node then reads a few files instead of some two thousand and strips no
 * TypeScript at start. The container image runs it. The sandbox and its console stay outside
 * the bundle (they read files next to their sources), imported from bot/ as before, so
 * `node dist/main.mjs` with no credentials still starts the sandbox from the source tree.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const SANDBOX = /\/bot\/sandbox\.ts$/;

rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  input: `${root}bot/main.ts`,
  platform: 'node',
  // The sandbox is imported by path from the bundle's folder back into the source tree.
  external: (id) => SANDBOX.test(id) || id === '../bot/sandbox.ts',
  resolve: { mainFields: ['module', 'main'] },
  plugins: [
    {
      name: 'sandbox-from-source',
      resolveId(source, importer) {
        if (importer && source === './sandbox.ts' && importer.endsWith('/bot/main.ts'))
          return { id: '../bot/sandbox.ts', external: true };
        return null;
      },
    },
  ],
  output: {
    dir: `${root}dist`,
    format: 'esm',
    entryFileNames: '[name].mjs',
    chunkFileNames: '[name]-[hash].mjs',
    sourcemap: true,
  },
  logLevel: 'warn',
});
console.log('built dist/main.mjs');
