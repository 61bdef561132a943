// Runs before `npm start`, `npm test` and `npm run bench`, on whatever Node the machine has
// (plain JavaScript on purpose: it may run before node_modules, and with it Node 24, exists).
// Installs the locked dependencies with `npm ci` when node_modules is missing or does not hold
// exactly what package-lock.json records.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const packages = (path) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).packages ?? {};
  } catch {
    return null;
  }
};

/** Why node_modules does not match the lock, or null when it does. */
function mismatch() {
  const locked = packages('package-lock.json');
  if (!locked) return 'package-lock.json is unreadable';
  // npm writes this record of what it installed; it lists only what is really there.
  const installed = packages('node_modules/.package-lock.json');
  if (!installed) return 'node_modules is missing';
  for (const [path, entry] of Object.entries(locked)) {
    if (path === '' || entry.link) continue;
    const have = installed[path];
    // Optional packages for other platforms (biome's, esbuild's) are rightly absent.
    if (!have) {
      if (entry.optional) continue;
      return `${path} is missing`;
    }
    if (have.version !== entry.version)
      return `${path} is ${have.version}, the lock says ${entry.version}`;
  }
  return null;
}

const why = mismatch();
if (why) {
  console.log(`Installing the locked dependencies (npm ci): ${why}.`);
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
