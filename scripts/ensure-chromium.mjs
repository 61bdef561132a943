// Runs before `npm test` (after ensure-deps.mjs), on whatever Node the machine has. The sandbox's
// browser test drives Debian's chromium: install it when it is missing and this user may install
// packages (root, or sudo without a password); otherwise say in one line what to run. It never
// fails the test run itself: the browser test then fails and says the same.
import { execSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const browser = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const runs = (command) => {
  try {
    execSync(command, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const present = () => {
  try {
    accessSync(browser, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

if (!present()) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = root ? '' : runs('sudo -n true') ? 'sudo ' : null;
  const apt = runs('command -v apt-get');
  if (process.env.CHROMIUM_PATH || !apt || sudo === null) {
    console.log(
      process.env.CHROMIUM_PATH
        ? `No browser at CHROMIUM_PATH=${browser}: point it at a Chromium binary, or unset it to use Debian's chromium; the browser test fails until then.`
        : `Chromium is missing at ${browser}: run \`sudo apt-get install chromium\` (Debian) or set CHROMIUM_PATH to a Chromium binary; the browser test fails until then.`,
    );
  } else {
    console.log("Chromium is missing; installing Debian's chromium for the browser test.");
    const install = `${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`;
    const ok =
      runs(install) ||
      (runs(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get update -qq`) && runs(install));
    if (!ok || !present())
      console.log(
        `Could not install chromium (${install} failed); the browser test fails until it is installed.`,
      );
  }
}
