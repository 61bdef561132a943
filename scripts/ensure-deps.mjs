// Runs before `npm start`, `npm test` and `npm run bench`, on whatever Node the machine has
// (plain JavaScript on purpose: it may run before node_modules, and with it Node 24, exists).
// Installs the locked dependencies when they are missing or older than package-lock.json.
import { execSync } from 'node:child_process';
import { statSync } from 'node:fs';

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

const installed = mtime('node_modules/.package-lock.json');
if (installed < 0 || installed < mtime('package-lock.json')) {
  // `npm install` rather than `npm ci`: it installs the locked versions all the same, and it
  // tolerates a lock that lacks optional platform packages a registry does not carry.
  console.log('Installing dependencies…');
  execSync('npm install --no-audit --no-fund', { stdio: 'inherit' });
}
