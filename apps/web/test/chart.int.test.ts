// The console in a real browser (Debian's Chromium) against the real platform: the built console
// served by the gateway, records over in-memory PGlite. Screens that read records: the patient
// chart with its sections and plots, and the record-access view over the audit trail.
// Screenshots go to .tmp/web-screenshots/.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, openBrowser, screenshot } from './support/browser.ts';
import { clinicalBundle } from './support/clinical-fixture.ts';
import { type Platform, startPlatform, transact } from './support/platform.ts';

let platform: Platform;
let browser: Browser;
let ids: string[];

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform(), openBrowser()]);
  ids = await transact(platform, clinicalBundle());
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

describe('console shell', () => {
  it('loads at / and lands on the patient list, saying the platform has no sign-in', async () => {
    const page = await open('/');
    await page.waitForURL(`${platform.url}/patients`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Patients');
    expect(await page.getByText('No sign-in on this platform').isVisible()).toBe(true);
    expect(
      await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link').allTextContents(),
    ).toEqual(['Patients', 'Monitoring wall', 'Alerts', 'Record access']);
    await page.close();
  });

  it('shows a not-found screen for an unknown console path without a server 404', async () => {
    const page = await open('/patients/x/y/z');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Not found');
    await page.close();
  });
});

describe('patient list', () => {
  it('finds patients by name (FHIR name search), keyboard only', async () => {
    const page = await open('/patients');
    await page.locator('#patient-search').waitFor();
    // Each screen puts focus on its heading; the next Tab is the search field, Enter submits.
    await expect
      .poll(() =>
        page.locator('#page-title').evaluate((heading) => heading.ownerDocument.activeElement === heading),
      )
      .toBe(true);
    await page.keyboard.press('Tab');
    expect(
      await page.locator('#patient-search').evaluate((input) => input.ownerDocument.activeElement === input),
    ).toBe(true);
    await page.keyboard.type('Ok');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/patients\?q=Ok$/);
    const names = page.locator('table.patients tbody th a');
    await expect.poll(() => names.allTextContents()).toEqual(['Okafor, Chinedu', 'Okonkwo, Adaeze']);
    await screenshot(page, 'patient-list-open');
    await page.close();
  });
});

describe('patient chart', () => {
  it('shows demographics, sections and vital-sign plots, with the heading focused', async () => {
    const page = await open(`/patients/${ids[0]}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Okonkwo, Adaeze');
    expect(
      await page
        .locator('#page-title')
        .evaluate((heading) => heading.ownerDocument.activeElement === heading),
    ).toBe(true);
    const demographics = page.getByRole('region', { name: 'Demographics' });
    expect(await demographics.textContent()).toContain('MRN-1000');
    expect(await demographics.textContent()).toContain('female');
    await page.getByRole('region', { name: 'Vital signs over time' }).locator('canvas').first().waitFor();
    await screenshot(page, 'patient-chart');
    await page.setViewportSize({ width: 820, height: 1180 });
    await screenshot(page, 'patient-chart-tablet');
    await page.close();
  });
});

describe('record access (privacy officer)', () => {
  it("lists who read the patient's record, from the audit trail", async () => {
    // Reading the chart above is itself in the trail: records audits every read and search.
    const page = await open(`/privacy?patient=${ids[0]}`);
    await expect.poll(() => page.locator('#access-title').textContent()).toBe('Who accessed Okonkwo, Adaeze');
    const rows = page.locator('table.access tbody tr');
    await rows.first().waitFor({ timeout: 15_000 });
    expect(await rows.count()).toBeGreaterThan(0);
    // Open mode: no signed-in user, so the trail names the service and address, not a person.
    const report = (await page.locator('table.access').textContent()) ?? '';
    expect(report).toContain('records');
    expect(report).toContain('Success');
    await screenshot(page, 'record-access');
    await page.close();
  });
});
