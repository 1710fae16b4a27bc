// The console fed by the platform's own simulator (`healthlane simulate`, a real child process
// sending vitals over HTTP in the hypoxia scenario): the ward wall shows the simulated beds with
// readings that change as the simulator sends them; when bed 1 turns hypoxic the alert inbox
// raises its alert, one click acknowledges it, and monitoring's API agrees.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWard } from './support/bedside-device.ts';
import { type Browser, openBrowser, screenshot } from './support/browser.ts';
import { call, type Platform, startPlatform } from './support/platform.ts';

const cliMain = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));
let platform: Platform;
let browser: Browser;
let simulator: ChildProcess;
let simulatorOutput = '';

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), openBrowser()]);
  await addWard(platform, 'sim-ward', 'Simulated ward');
  // Bed 1 turns hypoxic 30 % into the run (SpO2 82–86, RR 28–32, HR 118–128: NEWS2 high).
  simulator = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      cliMain,
      'simulate',
      '--url',
      platform.url,
      '--patients',
      '2',
      '--scenario',
      'hypoxia',
      '--duration',
      '100s',
      '--rate',
      '1hz',
      '--ward',
      'sim-ward',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  simulator.stdout?.on('data', (chunk: Buffer) => {
    simulatorOutput += chunk.toString();
  });
  simulator.stderr?.on('data', (chunk: Buffer) => {
    simulatorOutput += chunk.toString();
  });
}, 240_000);

afterAll(async () => {
  if (simulator && simulator.exitCode === null) {
    const exited = new Promise((resolve) => simulator.once('exit', resolve));
    simulator.kill('SIGINT');
    await exited;
  }
  await browser?.close();
  await platform?.stop();
});

const bed = (page: Page, name: string) => page.locator('.wall .bed', { hasText: name });

describe('with the simulator sending', () => {
  let page: Page;

  it('shows the simulated beds on the wall, their readings changing as the simulator sends them', async () => {
    page = await browser.newPage();
    await page.goto(`${platform.url}/ward?ward=sim-ward`);
    const first = bed(page, 'Simulated, Bed 1');
    await first.waitFor({ timeout: 60_000 }).catch((error: Error) => {
      throw new Error(`${error.message}\nsimulator said: ${simulatorOutput}`);
    });
    await bed(page, 'Simulated, Bed 2').waitFor({ timeout: 30_000 });
    const pulse = first.locator('[data-vital="heartRate"]');
    await expect.poll(() => pulse.textContent(), { timeout: 15_000 }).toMatch(/^\d+ \/min$/);
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add((await first.locator('.bed-vitals').textContent()) ?? '');
          return seen.size;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBeGreaterThan(1);
    await screenshot(page, 'simulator-wall');
  }, 120_000);

  it('raises bed 1’s alert in the inbox when it turns hypoxic; one click acknowledges it; the API agrees', async () => {
    const patient = await bed(page, 'Simulated, Bed 1').getAttribute('data-patient');
    await page.goto(`${platform.url}/alerts?ward=sim-ward`);
    const raised = page
      .locator('tr.alert-row.status-raised', { hasText: 'Simulated, Bed 1' })
      .filter({ hasText: 'NEWS2' });
    await raised.first().waitFor({ timeout: 90_000 });
    await screenshot(page, 'simulator-alert-inbox');
    const alertId = await raised.first().getAttribute('data-alert');
    await raised
      .first()
      .getByRole('button', { name: /Acknowledge/ })
      .click();
    const row = page.locator(`tr[data-alert="${alertId}"]`);
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('Acknowledged');
    const stored = await call<{ alerts: Array<{ id: string; status: string }> }>(
      platform,
      'GET',
      `/monitoring/v1/patients/${patient}/alerts`,
    );
    expect(stored.body.alerts.find((alert) => alert.id === alertId)?.status).toBe('acknowledged');
    await page.close();
  }, 150_000);
});
