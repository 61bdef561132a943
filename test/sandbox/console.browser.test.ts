/**
 * The sandbox in a real browser (Debian's chromium through playwright-core): Alice asks for
 * a role, Bob approves from the card, and the activation shows up in the security channel and
 * in the history panel, next to the security scan's findings. The page renders every card with the adaptivecards package. A
 * screenshot of the end state is saved to test-results/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import { type Sandbox, startSandbox } from '../../bot/sandbox.ts';
import { type FreshRedis, freshRedis } from '../support/redis.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let sandbox: Sandbox;
let redis: FreshRedis;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium; .ci/run does it) or set CHROMIUM_PATH`,
    );
  redis = await freshRedis({ name: 'sandbox-*' });
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent' });
  sandbox = await startSandbox({ config, log: createLogger('silent'), prefix: redis.prefix });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  await redis?.cleanup();
});

const as = async (page: Page, name: string) => {
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await expect
    .poll(() => page.getByRole('button', { pressed: true }).textContent())
    .toContain(name);
};

describe('sandbox console in a browser', () => {
  it('request as Alice, approve as Bob, see the activation in #security and in history', async () => {
    expect(sandbox.storage).toBe('redis');
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${sandbox.url}/`);
    await expect.poll(() => page.locator('#people button').count()).toBeGreaterThan(3);
    await expect(page.locator('#banner').isHidden()).resolves.toBe(true);

    await as(page, 'Alice Admin');
    await page
      .getByLabel('Command')
      .fill('/elevate Exchange Administrator 2m fixing mail flow INC-4711');
    await page.getByRole('button', { name: 'Send' }).click();
    const chat = page.getByTestId('chat');
    await expect.poll(() => chat.textContent()).toMatch(/sent to the approvers/);

    await as(page, 'Bob Approver');
    const approvals = page.getByTestId('approvals');
    await expect.poll(() => approvals.textContent()).toMatch(/Exchange Administrator/);
    await approvals.getByRole('button', { name: 'Approve' }).first().click();

    const security = page.getByTestId('security');
    await expect.poll(() => security.textContent(), { timeout: 20_000 }).toMatch(/Alice Admin/);
    await expect.poll(() => security.textContent()).toMatch(/activ/i);
    const history = page.getByTestId('history');
    await expect.poll(() => history.textContent()).toMatch(/Exchange Administrator/);
    await expect.poll(() => history.textContent()).toMatch(/Alice Admin/);

    // The security scan's findings about the simulated tenant are there too.
    await expect.poll(() => security.textContent(), { timeout: 20_000 }).toMatch(/stale account/);
    await expect.poll(() => security.textContent()).toMatch(/outside PIM/);

    // The grant is real in the simulated tenant, made through the Graph adapter.
    const alice = '5a1ce000-0000-4000-8000-00000000a11c';
    expect(sandbox.tenant.tenant.activeAssignments().some((a) => a.principalId === alice)).toBe(
      true,
    );
    // The approval card was replaced in place: no Approve button is left on it.
    await expect.poll(() => approvals.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/sandbox-console.png', fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('asks Alice for an MFA sign-in on the simulated tenant, and grants only with MFA', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${sandbox.url}/`);
    await expect.poll(() => page.locator('#people button').count()).toBeGreaterThan(3);
    await as(page, 'Alice Admin');
    const chat = page.getByTestId('chat');
    const signIn = chat.getByRole('link', { name: 'Sign in with MFA' });
    const ask = async (text: string) => {
      const before = await signIn.count();
      await page.getByLabel('Command').fill(text);
      await page.getByRole('button', { name: 'Send' }).click();
      await expect.poll(() => signIn.count(), { timeout: 20_000 }).toBe(before + 1);
    };
    const follow = async (choice: 'Sign in with MFA' | 'Sign in without MFA') => {
      const [popup] = await Promise.all([page.waitForEvent('popup'), signIn.last().click()]);
      await popup.waitForLoadState();
      await expect.poll(() => popup.locator('select[name=sim_user]').inputValue()).toBe(alice);
      await popup.getByRole('button', { name: choice, exact: true }).click();
      await popup.waitForLoadState();
      const text = (await popup.locator('body').textContent()) ?? '';
      await popup.close();
      return text;
    };
    const alice = '5a1ce000-0000-4000-8000-00000000a11c';
    const helpdesk = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
    const hasHelpdesk = () =>
      sandbox.tenant.tenant
        .activeAssignments()
        .some((a) => a.principalId === alice && a.roleDefinitionId === helpdesk);

    await ask('/elevate Helpdesk Administrator 2m reset a locked account');
    await expect.poll(() => chat.textContent()).toMatch(/needs an MFA sign-in/);
    expect(await follow('Sign in without MFA')).toMatch(/did not use multi-factor authentication/);
    // Refused: nothing granted, and a new link with the reason came to the chat.
    await expect.poll(() => chat.textContent()).toMatch(/was refused/);
    expect(hasHelpdesk()).toBe(false);

    expect(await follow('Sign in with MFA')).toMatch(/is verified/);
    await expect.poll(hasHelpdesk, { timeout: 20_000 }).toBe(true);
    await expect.poll(() => chat.textContent(), { timeout: 20_000 }).toMatch(/is active until/);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/sandbox-step-up.png', fullPage: true });
    await page.close();
  }, 60_000);
});
