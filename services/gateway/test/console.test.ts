// The gateway serving a built console (a folder shaped like apps/web's build output) through the
// real kit host: content types, caching (immutable hashed assets, revalidated index.html, ETag →
// 304), gzip, the SPA fallback on the console's own paths only, and the APIs left untouched.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type AnyServiceDefinition, ConfigError, type Host, loadConfig } from '@healthlane/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { gatewayConfigSchema } from '../src/config.ts';
import { findConsoleDir } from '../src/console-files.ts';
import { startGateway } from './support/gateway-host.ts';

const api: AnyServiceDefinition = {
  name: 'records',
  description: 'fixture standing in for an API service',
  prefixes: ['/fhir'],
  config: z.object({}),
  migrations: [],
  async create() {
    return {
      async routes(app) {
        app.get('/fhir/R4/metadata', async () => ({ resourceType: 'CapabilityStatement' }));
      },
    };
  },
};

const indexHtml =
  '<!doctype html><html lang="en"><head><title>console</title>' +
  '<script type="module" src="/assets/console-AB12CD34.js"></script></head><body><div id="root"></div></body></html>';
const script = `console.log(${JSON.stringify('x'.repeat(4000))});`;

let dir: string;
let host: Host;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'healthlane-console-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), indexHtml);
  await writeFile(join(dir, 'assets', 'console-AB12CD34.js'), script);
  await writeFile(join(dir, 'assets', 'console-EF56.css'), 'body{margin:0}');
  host = await startGateway({ GATEWAY_CONSOLE_DIR: dir }, [api]);
});

afterAll(async () => {
  await host?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the built console at /', () => {
  it('serves index.html, revalidated on every load, under the strict document policy', async () => {
    const response = await fetch(`${host.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(indexHtml);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await fetch(`${host.url}/`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${host.url}/`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    // A browser merges these into its cached copy: the page's CSP, not the APIs' default-src 'none'.
    expect(again.headers.get('content-security-policy')).toContain("default-src 'self'");
    const other = await fetch(`${host.url}/`, { headers: { 'if-none-match': '"something-else"' } });
    expect(other.status).toBe(200);
  });

  it('serves hashed assets with their content type, cached for a year as immutable', async () => {
    const js = await fetch(`${host.url}/assets/console-AB12CD34.js`, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-encoding')).toBeNull();
    expect(await js.text()).toBe(script);
    const css = await fetch(`${host.url}/assets/console-EF56.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('sends gzip to a client that accepts it, and says Vary: Accept-Encoding', async () => {
    const response = await host.app.inject({
      method: 'GET',
      url: '/assets/console-AB12CD34.js',
      headers: { 'accept-encoding': 'gzip, deflate' },
    });
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(String(response.headers.vary)).toMatch(/accept-encoding/i);
    expect(gunzipSync(response.rawPayload).toString()).toBe(script);
    const refused = await host.app.inject({
      method: 'GET',
      url: '/assets/console-AB12CD34.js',
      headers: { 'accept-encoding': 'gzip;q=0' },
    });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('answers index.html on the console’s own paths (a reload of /patients/123 works)', async () => {
    for (const path of [
      '/patients',
      '/patients/123',
      '/patients/123/live',
      '/ward?ward=A',
      '/alerts',
      '/privacy',
      '/signin',
      '/signin/callback?code=x&state=y',
    ]) {
      const response = await fetch(`${host.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toBe(indexHtml);
    }
  });

  it('leaves the APIs, the probes and unknown paths alone', async () => {
    const metadata = await fetch(`${host.url}/fhir/R4/metadata`);
    expect(await metadata.json()).toEqual({ resourceType: 'CapabilityStatement' });
    expect((await fetch(`${host.url}/livez`)).status).toBe(200);
    const unknown = await fetch(`${host.url}/no-such-thing`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).not.toContain('text/html');
    const missingAsset = await fetch(`${host.url}/assets/console-GONE.js`);
    expect(missingAsset.status).toBe(404);
    expect(((await missingAsset.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
  });
});

describe('finding the console', () => {
  it('takes the first candidate folder that holds an index.html', async () => {
    expect(findConsoleDir([join(dir, 'assets'), dir])).toBe(dir);
    expect(findConsoleDir([join(dir, 'assets')])).toBeUndefined();
  });

  it('refuses a GATEWAY_CONSOLE_DIR without a built console, naming the variable', () => {
    const error = (() => {
      try {
        loadConfig({ gateway: gatewayConfigSchema }, { GATEWAY_CONSOLE_DIR: join(dir, 'assets') });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('GATEWAY_CONSOLE_DIR');
  });

  it('accepts none (the landing page) and a folder with index.html', () => {
    expect(
      loadConfig({ gateway: gatewayConfigSchema }, { GATEWAY_CONSOLE_DIR: 'none' }).gateway.consoleDir,
    ).toBe('none');
    expect(
      loadConfig({ gateway: gatewayConfigSchema }, { GATEWAY_CONSOLE_DIR: dir }).gateway.consoleDir,
    ).toBe(dir);
  });
});
