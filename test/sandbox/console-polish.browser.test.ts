/**
 * What an auditor and a requester meet in the console, in a real browser (Debian's chromium):
 * the CSV export is a link that downloads the file, catalogue messages show their code spans
 * as code, the command box keeps its text when sending fails, a role that needs no approval
 * says "approved" once, and emails on cards carry no zero-width characters.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/log.ts';
import { type Sandbox, startSandbox } from '../../bot/sandbox.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let sandbox: Sandbox;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium; .ci/run does it) or set CHROMIUM_PATH`,
    );
  // The in-memory sandbox (nothing listens on port 1): this is about the page, not storage.
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', REDIS_URL: 'redis://127.0.0.1:1' });
  sandbox = await startSandbox({ config, log: createLogger('silent') });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(`${sandbox.url}/`);
  await page.locator('#people button').nth(3).waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

const as = async (name: string) => {
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  await expect
    .poll(() => page.getByRole('button', { pressed: true }).textContent())
    .toContain(name);
};
const send = async (text: string) => {
  await page.getByLabel('Command').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
};
const chat = () => page.getByTestId('chat');

describe('console polish', () => {
  it('a role that needs no approval says "approved" once in the chat', async () => {
    await as('Alice Admin');
    await send('/elevate Helpdesk Administrator 1m reset a locked account');
    // The sandbox's Helpdesk Administrator also wants an MFA sign-in: give it, with MFA.
    await expect.poll(() => chat().textContent()).toMatch(/needs an MFA sign-in/);
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      chat().getByRole('link', { name: 'Sign in with MFA' }).last().click(),
    ]);
    await popup.waitForLoadState();
    await popup.getByRole('button', { name: 'Sign in with MFA', exact: true }).click();
    await popup.waitForLoadState();
    await popup.close();
    // Give the notifications time to arrive, then count.
    await expect.poll(() => chat().textContent(), { timeout: 10_000 }).toMatch(/is active until/);
    const said = (await chat().textContent()) ?? '';
    expect(said.match(/approved/g) ?? []).toHaveLength(1);
  }, 30_000);

  it('cards show emails as written, with no zero-width characters', async () => {
    await send('/elevate Exchange Administrator 2m fixing mail flow INC-4711');
    const approvals = page.getByTestId('approvals');
    await expect.poll(() => approvals.textContent()).toMatch(/alice@contoso\.example/);
    expect((await approvals.textContent()) ?? '').not.toMatch(/[\u200b-\u200d]/);
  });

  it('catalogue messages render code spans as code, not raw backticks', async () => {
    await send('/elevate Exchnage Administrator 2m fixing mail flow INC-4711');
    const last = chat().locator('.item').last();
    await expect.poll(() => last.textContent()).toMatch(/There is no role called/);
    expect(await last.locator('code').first().textContent()).toBe('Exchnage Administrator');
    expect((await last.textContent()) ?? '').not.toContain('`');
  });

  it('the command box keeps the text when sending fails', async () => {
    await page.route('**/api/command', (route) => route.abort('connectionrefused'));
    await send('/elevate status');
    await expect.poll(() => chat().textContent()).toMatch(/Could not reach the sandbox/);
    expect(await page.getByLabel('Command').inputValue()).toBe('/elevate status');
    await page.unroute('**/api/command');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByLabel('Command').inputValue()).toBe('');
  });

  it('the CSV export is a link the auditor clicks to download the file', async () => {
    await as('Erin Auditor');
    await send('/elevate export');
    const link = chat().getByRole('link', { name: /Download the CSV/ });
    await expect.poll(() => link.count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('elevate-audit.csv');
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path, 'utf8').split('\r\n')[0]).toMatch(/^time,requester,role,action/);
    expect(problems).toEqual([]);
  });
});
