// The cluster's pure parts: port plan and routing table, restart back-off, re-invocation, log relay.
import { PassThrough } from 'node:stream';
import type { ServiceDefinition } from '@healthlane/kit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { relayLines } from '../src/cluster/child-output.ts';
import { planCluster } from '../src/cluster/cluster-plan.ts';
import { RestartPolicy } from '../src/cluster/restart-policy.ts';
import { selfInvocation } from '../src/cluster/self-invocation.ts';

function definition(name: string, prefixes: string[]): ServiceDefinition {
  return { name, description: name, prefixes, config: z.unknown(), migrations: [], create: async () => ({}) };
}

describe('planCluster', () => {
  it('gives services consecutive loopback ports and routes their prefixes through the gateway', async () => {
    const plan = await planCluster({
      services: [
        definition('gateway', ['/']),
        definition('records', ['/fhir']),
        definition('monitoring', ['/monitoring', '/ws']),
      ],
      gatewayPort: 8080,
      basePort: 8100,
    });
    expect(plan.services).toEqual([
      {
        name: 'records',
        port: 8100,
        env: { PORT: '8100', HOST: '127.0.0.1', HEALTHLANE_PEERS_URL: 'http://127.0.0.1:8080' },
      },
      {
        name: 'monitoring',
        port: 8101,
        env: { PORT: '8101', HOST: '127.0.0.1', HEALTHLANE_PEERS_URL: 'http://127.0.0.1:8080' },
      },
    ]);
    expect(plan.gateway).toEqual({
      name: 'gateway',
      port: 8080,
      env: {
        PORT: '8080',
        GATEWAY_ROUTES:
          '/fhir=http://127.0.0.1:8100,/monitoring=http://127.0.0.1:8101,/ws=http://127.0.0.1:8101',
      },
    });
  });

  it('picks free ports when asked for port 0', async () => {
    const plan = await planCluster({
      services: [definition('gateway', ['/']), definition('a', ['/a']), definition('b', ['/b'])],
      gatewayPort: 0,
      basePort: 0,
    });
    const ports = [plan.gateway.port, ...plan.services.map((service) => service.port)];
    expect(ports.every((port) => port > 0)).toBe(true);
    expect(plan.services[0]?.env.HEALTHLANE_PEERS_URL).toBe(`http://127.0.0.1:${plan.gateway.port}`);
  });
});

describe('RestartPolicy', () => {
  it('doubles the delay up to the cap and starts over after a healthy run', () => {
    const policy = new RestartPolicy({ initialMs: 100, maxMs: 500, resetAfterMs: 10_000 });
    expect([0, 0, 0, 0, 0].map((uptime) => policy.nextDelay(uptime))).toEqual([100, 200, 400, 500, 500]);
    expect(policy.nextDelay(10_000)).toBe(100);
    expect(policy.nextDelay(50)).toBe(200);
  });
});

describe('selfInvocation', () => {
  it('reuses node, its loader flags and the script, without debugger flags', () => {
    expect(
      selfInvocation(
        '/usr/bin/node',
        ['--import', 'tsx', '--inspect=9229', '--enable-source-maps'],
        '/app/main.ts',
      ),
    ).toEqual({
      command: '/usr/bin/node',
      args: ['--import', 'tsx', '--enable-source-maps', '/app/main.ts'],
    });
  });
});

describe('relayLines', () => {
  it('passes JSON log lines through and prefixes everything else', async () => {
    const from = new PassThrough();
    const to = new PassThrough();
    let written = '';
    to.on('data', (chunk) => {
      written += chunk;
    });
    relayLines('records', from, to);
    from.end('{"level":"info","msg":"listening"}\nplain text\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(written).toBe('{"level":"info","msg":"listening"}\n[records] plain text\n');
  });
});
