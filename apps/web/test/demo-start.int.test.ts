// What a new user gets from `npm start`, in a real browser: the real `healthlane start` process on
// an empty data directory serves the console; the demo nurse from bootstrap.json signs in through
// HealthLane's OpenID Connect and sees the demo ward live (the demo's bedside monitors stream, NEWS2
// is scored); the live stream re-authenticates with each refreshed token (45-s tokens here); and
// signing out ends the provider session and returns to the console.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, freePort, spawnCli, waitFor200 } from '../../cli/test/support/spawn-cli.ts';
import { type Browser, openBrowser, screenshot } from './support/browser.ts';
import { buildConsoleInto, type ConsoleBuild } from './support/console-build.ts';

let build: ConsoleBuild;
let dataDir: string;
let cli: CliProcess;
let url: string;
let browser: Browser;
let page: Page;
let nurse: { username: string; password: string };
const liveSockets: WebSocket[] = [];

beforeAll(async () => {
  [build, browser] = await Promise.all([buildConsoleInto(), openBrowser()]);
  dataDir = await mkdtemp(join(tmpdir(), 'healthlane-web-demo-'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  cli = spawnCli(['start'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    HEALTHLANE_DATA_DIR: dataDir,
    HEALTHLANE_PUBLIC_URL: url,
    GATEWAY_CONSOLE_DIR: build.dir,
    IDENTITY_ACCESS_TOKEN_TTL: '45s',
  });
  await waitFor200(`${url}/readyz`, 60_000).catch((error) => {
    throw new Error(`${error.message}\n${cli.output().stderr}\n${cli.output().stdout.slice(-2000)}`);
  });
  const file = JSON.parse(await readFile(join(dataDir, 'bootstrap.json'), 'utf8')) as {
    clientId: string;
    clientSecret: string;
    demoUsers: Array<{ username: string; password: string }>;
  };
  nurse = file.demoUsers.find((user) => user.username === 'nurse')!;
  // The demo records its ward just after the platform is ready; the ward picker lists what exists.
  await demoWardRecorded(file);
  page = await browser.newPage();
  page.on('websocket', (socket) => {
    if (socket.url().includes('/monitoring/v1/live')) liveSockets.push(socket);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (cli && cli.child.exitCode === null) {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
  await build?.remove();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

async function demoWardRecorded(file: { clientId: string; clientSecret: string }): Promise<void> {
  const issued = await fetch(`${url}/auth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${file.clientId}:${file.clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=system/Location.rs',
  });
  const token = ((await issued.json()) as { access_token: string }).access_token;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ward = await fetch(`${url}/fhir/R4/Location/demo-ward`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (ward.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the demo ward was not recorded within 30 s');
}

const tokenOf = (socket: WebSocket) => new URL(socket.url()).searchParams.get('access_token');

describe('npm start: the demo in the console', () => {
  it('signs in as the demo nurse with the password from bootstrap.json', async () => {
    await page.goto(`${url}/ward`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/auth\/interaction\//);
    await page.getByLabel('Username').fill(nurse.username);
    await page.getByLabel('Password').fill(nurse.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${url}/ward`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('sees every demo patient on the demo ward with live vitals and a NEWS2 score', async () => {
    await page.getByLabel('Ward').selectOption({ label: 'Demo ward' });
    await page.waitForURL(`${url}/ward?ward=demo-ward`);
    const beds = page.locator('li.bed');
    await expect.poll(() => beds.count(), { timeout: 90_000 }).toBe(4);
    // The names come from records (the Synthea demo patients), the numbers from the monitors.
    await expect
      .poll(() => page.locator('li.bed h2').allTextContents(), { timeout: 30_000 })
      .toEqual(
        expect.arrayContaining([expect.stringContaining('Kreiger'), expect.stringContaining('Alvarez')]),
      );
    await expect
      .poll(() => page.locator('li.bed .risk-total').allTextContents(), { timeout: 30_000 })
      .toEqual(Array(4).fill(expect.stringMatching(/^NEWS2 \d+$/)));
    const pulses = page.locator('li.bed [data-vital="heartRate"]');
    await expect.poll(() => pulses.allTextContents(), { timeout: 30_000 }).not.toContain('—');
    const before = (await pulses.allTextContents()).join('|');
    // Readings arrive every second (random around the baseline): the wall follows them.
    await expect
      .poll(async () => (await pulses.allTextContents()).join('|'), { timeout: 20_000 })
      .not.toBe(before);
    expect(await page.locator('.stream').textContent()).toContain('Live');
    await screenshot(page, 'demo-ward-wall');
  }, 150_000);

  it('reconnects the live stream with the refreshed token before the old one expires', async () => {
    const first = liveSockets.at(-1)!;
    expect(tokenOf(first)).toBeTruthy();
    // 45-s tokens: the stream asks for a fresh one 20 s before expiry and reopens with it.
    const open = () => liveSockets.filter((socket) => !socket.isClosed());
    await expect
      .poll(() => open().length === 1 && open()[0] !== first && tokenOf(open()[0]!) !== tokenOf(first), {
        timeout: 50_000,
      })
      .toBe(true);
    expect(first.isClosed()).toBe(true);
    await expect.poll(() => page.locator('.stream').textContent(), { timeout: 15_000 }).toContain('Live');
    const pulses = page.locator('li.bed [data-vital="heartRate"]');
    const before = (await pulses.allTextContents()).join('|');
    await expect
      .poll(async () => (await pulses.allTextContents()).join('|'), { timeout: 20_000 })
      .not.toBe(before);
  }, 90_000);

  it('signs out: the provider ends its session and returns the browser to the console', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/auth\/session\/end/);
    const confirm = page.getByRole('button', { name: 'Yes, sign me out' });
    await confirm.waitFor({ timeout: 10_000 }).catch(async () => {
      throw new Error(
        `no sign-out confirmation at ${page.url()}: ${await page.locator('body').textContent()}`,
      );
    });
    await confirm.click();
    await page.waitForURL(new RegExp(`^${url}/signin\\?`));
    expect(await page.getByRole('status').first().textContent()).toContain('You have signed out');
    // No live stream stays open for a signed-out tab.
    await expect.poll(() => liveSockets.filter((socket) => !socket.isClosed()).length).toBe(0);
    await page.goto(`${url}/ward?ward=demo-ward`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'demo-signed-out');
  }, 60_000);
});
