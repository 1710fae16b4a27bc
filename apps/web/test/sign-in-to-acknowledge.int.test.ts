// The console's whole path, end to end, in a real browser against the real platform with sign-in
// on (identity, records, monitoring, audit in-process; every API call needs a token): a nurse signs
// in through HealthLane's OpenID Connect (authorization code + PKCE), finds a patient, opens the
// chart, watches a live vital change as the bedside device sends it, sees the alert raised when
// the patient deteriorates, acknowledges it with one click — and the API confirms it.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWard, BedsideDevice, deterioratedVitals, normalVitals } from './support/bedside-device.ts';
import { type Browser, openBrowser, screenshot } from './support/browser.ts';
import { clinicalBundle } from './support/clinical-fixture.ts';
import { createNurse, type Nurse } from './support/identity-setup.ts';
import { call, type Platform, startPlatform, transact } from './support/platform.ts';

let platform: Platform;
let browser: Browser;
let nurse: Nurse;
let patient = '';
let device: BedsideDevice;
let page: Page;

beforeAll(async () => {
  [platform, browser] = await Promise.all([startPlatform('signed'), openBrowser()]);
  const ids = await transact(platform, clinicalBundle());
  patient = ids[0]!;
  nurse = await createNurse(platform, ids.slice(0, 3));
  await addWard(platform, 'ward-7', 'Ward 7 — Respiratory');
  device = new BedsideDevice(platform, 'bed-7-1');
  await device.assign(patient, 'ward-7');
  await device.sendUntilScored(patient, normalVitals);
  page = await browser.newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('a nurse, signed in, from the patient list to an acknowledged alert', () => {
  it('refuses the API without a token, so the console has to sign in', async () => {
    expect((await fetch(`${platform.url}/fhir/R4/Patient?name=Okonkwo`)).status).toBe(401);
  });

  it('signs in with the authorization code flow and PKCE', async () => {
    await page.goto(`${platform.url}/patients`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // HealthLane's own sign-in page (identity), reached by the authorization request.
    await page.waitForURL(/\/auth\/interaction\//);
    const authorize = new URL(page.url());
    expect(authorize.origin).toBe(platform.url);
    await screenshot(page, 'sign-in-provider');
    await page.getByLabel('Username').fill(nurse.username);
    await page.getByLabel('Password').fill(nurse.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${platform.url}/patients`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Patients');
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    // The token is kept in this tab's sessionStorage (and memory), never in a cookie or localStorage.
    const kept = await page.evaluate(() => {
      const { sessionStorage, localStorage } = globalThis as unknown as {
        sessionStorage: {
          getItem(key: string): string | null;
          length: number;
          key(i: number): string | null;
        };
        localStorage: { length: number };
      };
      const session = Array.from({ length: sessionStorage.length }, (_, index) => sessionStorage.key(index));
      return { session, local: localStorage.length, pending: sessionStorage.getItem('healthlane.sign-in') };
    });
    expect(kept.session).toContain('healthlane.tokens');
    expect(kept.local).toBe(0);
    expect(kept.pending).toBeNull();
  });

  it('finds the patient by name and opens the chart', async () => {
    await page.getByLabel('Find a patient by name').fill('Okonkwo');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/patients\?q=Okonkwo$/);
    const link = page.getByRole('link', { name: 'Okonkwo, Adaeze', exact: true });
    await link.waitFor();
    expect(await page.locator('table.patients tbody tr').count()).toBe(1);
    await screenshot(page, 'patient-list');
    await link.click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Okonkwo, Adaeze');
    const conditions = page.getByRole('region', { name: 'Conditions' });
    await conditions.getByText('Pneumonia').waitFor();
    await page.getByRole('region', { name: 'Vital signs over time' }).locator('canvas').first().waitFor();
    await screenshot(page, 'patient-chart-signed-in');
  });

  it('watches a live vital change as the device sends it', async () => {
    await page.getByRole('link', { name: 'Live vitals' }).click();
    await page.locator('.stream-live').waitFor({ timeout: 15_000 });
    const pulse = page.locator('.live-latest [data-vital="heartRate"] strong');
    await expect.poll(() => pulse.textContent(), { timeout: 10_000 }).toBe('72');
    await device.send({ ...normalVitals, hr: 101 });
    await expect.poll(() => pulse.textContent(), { timeout: 10_000 }).toBe('101');
  });

  it('receives the alert when the patient deteriorates, acknowledges it, and the API confirms', async () => {
    await device.send(deterioratedVitals);
    const row = page.locator('tr.alert-row.status-raised', { hasText: 'NEWS2' }).first();
    await row.waitFor({ timeout: 15_000 });
    const alertId = await row.getAttribute('data-alert');
    await row.getByRole('button', { name: /Acknowledge/ }).click();
    const same = page.locator(`tr[data-alert="${alertId}"]`);
    await expect.poll(() => same.textContent(), { timeout: 10_000 }).toContain('Acknowledged');
    await screenshot(page, 'patient-live-signed-in-acknowledged');
    const stored = await call<{ alerts: Array<{ id: string; status: string; acknowledgedBy?: string }> }>(
      platform,
      'GET',
      `/monitoring/v1/patients/${patient}/alerts`,
    );
    const alert = stored.body.alerts.find((candidate) => candidate.id === alertId);
    expect(alert?.status).toBe('acknowledged');
    expect(alert?.acknowledgedBy).toBeTruthy();
  });

  it('refreshes the access token before it expires (refresh token), and keeps working', async () => {
    const stored = () =>
      page.evaluate(
        () =>
          (
            globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }
          ).sessionStorage.getItem('healthlane.tokens') ?? '{}',
      );
    const first = (JSON.parse(await stored()) as { accessToken?: string }).accessToken;
    expect(first).toBeTruthy();
    await page.goto(`${platform.url}/patients?q=Okonkwo`);
    // Each load searches, asking for the token; within 30 s of its 45-s lifetime the console
    // refreshes it first (the reload also restores the session from sessionStorage).
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.locator('table.patients tbody tr').first().waitFor();
          return (JSON.parse(await stored()) as { accessToken?: string }).accessToken;
        },
        { timeout: 45_000, interval: 2_000 },
      )
      .not.toBe(first);
    expect(await page.locator('table.patients tbody tr').count()).toBe(1);
  }, 90_000);

  it('signs out: ends the provider session and returns to the console, which asks to sign in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    // The provider's own sign-out page (RP-initiated logout) asks to confirm, then returns the
    // browser to the console's registered post-logout address.
    await page.waitForURL(/\/auth\/session\/end/);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(new RegExp(`^${platform.url}/signin\\?`));
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('You have signed out');
    await screenshot(page, 'signed-out');
    const tokens = await page.evaluate(() =>
      (
        globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }
      ).sessionStorage.getItem('healthlane.tokens'),
    );
    expect(tokens).toBeNull();
    // The provider's session is gone too: signing in again shows its sign-in page, not a silent return.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/auth\/interaction\//);
    expect(await page.getByLabel('Username').isVisible()).toBe(true);
  });
});
