// The platform client over a stub transport: health answers are reports, not exceptions.
import { describe, expect, it } from 'vitest';
import { createPlatformClient, type PeerRequest, type PeerTransport } from '../src/index.ts';

function stubTransport(
  status: number,
  body: string,
  contentType = 'application/json',
): PeerTransport & {
  calls: PeerRequest[];
} {
  const calls: PeerRequest[] = [];
  return {
    calls,
    async request(request) {
      calls.push(request);
      return { status, headers: { 'content-type': contentType }, body: new TextEncoder().encode(body) };
    },
  };
}

describe('createPlatformClient', () => {
  it('reads /readyz as a report, 503 included', async () => {
    const transport = stubTransport(503, '{"status":"draining"}');
    const report = await createPlatformClient(transport).readyz();
    expect(report).toEqual({ ok: false, status: 503, body: { status: 'draining' } });
    expect(transport.calls[0]).toMatchObject({ method: 'GET', path: '/readyz' });
  });

  it('reads /livez and /metrics', async () => {
    expect(await createPlatformClient(stubTransport(200, 'alive', 'text/plain')).livez()).toEqual({
      ok: true,
      status: 200,
      body: 'alive',
    });
    const metrics = await createPlatformClient(stubTransport(200, '# HELP x', 'text/plain')).metrics();
    expect(metrics).toBe('# HELP x');
    await expect(createPlatformClient(stubTransport(500, '')).metrics()).rejects.toThrow(/500/);
  });
});
