// Live monitoring in a real browser against the real platform (records + monitoring + audit,
// in-process; devices sending to monitoring's ingest API): the ward wall sorted by risk, a
// patient's live view following each new reading, an alert raised on deterioration and
// acknowledged with one click, confirmed through the API; the alert inbox for the ward.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWard, BedsideDevice, deterioratedVitals, normalVitals } from './support/bedside-device.ts';
import { type Browser, openBrowser, screenshot } from './support/browser.ts';
import { clinicalBundle } from './support/clinical-fixture.ts';
import { call, type Platform, startPlatform, transact } from './support/platform.ts';

let platform: Platform;
let browser: Browser;
let stable = ''; // Okonkwo, Adaeze: normal vitals, deteriorates during the tests
let unwell = ''; // Lindqvist, Per: high risk from the start
let stableBed: BedsideDevice;
let unwellBed: BedsideDevice;

interface AlertView {
  id: string;
  status: string;
  rule: string;
  acknowledgedBy?: string;
}

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), openBrowser()]);
  const ids = await transact(platform, clinicalBundle());
  stable = ids[0]!;
  unwell = ids[1]!;
  await addWard(platform, 'ward-7', 'Ward 7 — Respiratory');
  stableBed = new BedsideDevice(platform, 'bed-7-1');
  unwellBed = new BedsideDevice(platform, 'bed-7-2');
  await stableBed.assign(stable, 'ward-7');
  await unwellBed.assign(unwell, 'ward-7');
  await stableBed.sendUntilScored(stable, normalVitals);
  await unwellBed.sendUntilScored(unwell, deterioratedVitals);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function open(path: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage(viewport);
  await page.goto(`${platform.url}${path}`);
  return page;
}

/** Waits until the screen's live stream is connected; says what the screen showed instead if not. */
async function waitForLive(page: Page): Promise<void> {
  try {
    await page.locator('.stream-live').waitFor({ timeout: 15_000 });
  } catch (error) {
    await screenshot(page, 'failed-waiting-for-live');
    throw new Error(
      `the live stream did not connect; the screen said: ${await page.locator('main').textContent()}`,
      {
        cause: error,
      },
    );
  }
}

const tileNames = (page: Page) => page.locator('.wall .bed h2 a').allTextContents();

describe('monitoring wall', () => {
  it('shows every bed of the ward with its NEWS2 and risk, highest risk first', async () => {
    const page = await open('/ward');
    await page.getByLabel('Ward').selectOption('ward-7');
    await page.waitForURL(/\/ward\?ward=ward-7$/);
    await expect
      .poll(() => tileNames(page), { timeout: 15_000 })
      .toEqual(['Lindqvist, Per', 'Okonkwo, Adaeze']);
    const first = page.locator('.wall .bed').first();
    expect(await first.locator('.risk').textContent()).toMatch(/NEWS2 1[0-9] High/);
    expect(await page.locator('.wall .bed').nth(1).locator('.risk').textContent()).toMatch(/NEWS2 0 Low/);
    expect(await first.locator('[data-vital="heartRate"]').textContent()).toBe('124 /min');
    await screenshot(page, 'monitoring-wall');
    await page.setViewportSize({ width: 820, height: 1180 });
    await screenshot(page, 'monitoring-wall-tablet');
    await page.close();
  });
});

describe('patient live view', () => {
  it('follows each new reading as the device sends it', async () => {
    const page = await open(`/patients/${stable}/live`);
    await waitForLive(page);
    const pulse = page.locator('.live-latest [data-vital="heartRate"] strong');
    await expect.poll(() => pulse.textContent(), { timeout: 10_000 }).toBe('72');
    await stableBed.send({ ...normalVitals, hr: 97 });
    await expect.poll(() => pulse.textContent(), { timeout: 10_000 }).toBe('97');
    expect(await page.locator('.news2 .risk').textContent()).toMatch(/NEWS2 [01] Low/);
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(5);
    await screenshot(page, 'patient-live');
    await page.close();
  });

  it('raises an alert when the patient deteriorates; one click acknowledges it, and the API agrees', async () => {
    const page = await open(`/patients/${stable}/live`);
    await waitForLive(page);
    await stableBed.send(deterioratedVitals);
    const row = page.locator('tr.alert-row', { hasText: 'NEWS2' }).first();
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('Emergency');
    expect(await page.locator('.news2 .risk').textContent()).toMatch(/High/);
    const subScores = await page.getByRole('list', { name: 'NEWS2 sub-scores' }).textContent();
    expect(subScores).toContain('Respiration rate: 3');
    await screenshot(page, 'patient-live-alert');

    await row.getByRole('button', { name: /Acknowledge/ }).click();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('Acknowledged');
    const alertId = await row.getAttribute('data-alert');
    const stored = await call<{ alerts: AlertView[] }>(
      platform,
      'GET',
      `/monitoring/v1/patients/${stable}/alerts`,
    );
    const acknowledged = stored.body.alerts.find((alert) => alert.id === alertId);
    expect(acknowledged?.status).toBe('acknowledged');
    expect(acknowledged?.acknowledgedBy).toBeTruthy();
    await screenshot(page, 'patient-live-acknowledged');
    await page.close();
  });
});

describe('alert inbox', () => {
  it('lists the ward’s open alerts first and acknowledges one with one action', async () => {
    const page = await open('/alerts?ward=ward-7');
    const raised = page.locator('tr.alert-row.status-raised', { hasText: 'Lindqvist, Per' }).first();
    await raised.waitFor({ timeout: 15_000 });
    expect(await page.locator('tr.alert-row').first().getAttribute('class')).toContain('status-raised');
    await screenshot(page, 'alert-inbox');
    const alertId = await raised.getAttribute('data-alert');
    await raised.getByRole('button', { name: /Acknowledge/ }).click();
    const row = page.locator(`tr[data-alert="${alertId}"]`);
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('Acknowledged');
    const stored = await call<{ alerts: AlertView[] }>(
      platform,
      'GET',
      `/monitoring/v1/patients/${unwell}/alerts`,
    );
    expect(stored.body.alerts.find((alert) => alert.id === alertId)?.status).toBe('acknowledged');
    await page.close();
  });
});
