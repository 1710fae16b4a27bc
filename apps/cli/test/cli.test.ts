// Argument parsing, help and exit codes of the healthlane command, run in-process.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands, run } from '../src/cli.ts';
import { captureConsole } from './support/capture-console.ts';

const runCli = (argv: string[], env: Record<string, string> = {}) => captureConsole(() => run(argv, env));

describe('healthlane', () => {
  it('lists every command in --help and exits 0', async () => {
    const { result, out } = await runCli(['--help']);
    expect(result).toBe(0);
    for (const command of commands) expect(out).toContain(command.name);
  });

  it('prints the version', async () => {
    const { result, out } = await runCli(['--version']);
    expect(result).toBe(0);
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('shows usage on stderr and exits 2 without a command', async () => {
    const { result, err } = await runCli([]);
    expect(result).toBe(2);
    expect(err).toContain('Usage: healthlane <command>');
  });

  it('exits 2 naming an unknown command', async () => {
    const { result, err } = await runCli(['strat']);
    expect(result).toBe(2);
    expect(err).toContain('unknown command "strat"');
    expect(err).toContain('start');
  });

  it.each(commands.map((command) => command.name))('%s --help prints its usage and exits 0', async (name) => {
    const { result, out } = await runCli([name, '--help']);
    expect(result).toBe(0);
    expect(out).toMatch(new RegExp(`^Usage: healthlane ${name}`));
  });

  it('exits 2 on an unknown option, with the usage line', async () => {
    const { result, err } = await runCli(['start', '--port', '3']);
    expect(result).toBe(2);
    expect(err).toContain("'--port'");
    expect(err).toContain('Usage: healthlane start');
  });

  it('exits 2 on a surplus argument', async () => {
    const { result, err } = await runCli(['start', 'now']);
    expect(result).toBe(2);
    expect(err).toContain('unexpected argument "now"');
  });
});

describe('healthlane serve', () => {
  it('exits 2 without a service name', async () => {
    const { result, err } = await runCli(['serve']);
    expect(result).toBe(2);
    expect(err).toContain('missing <service>');
  });

  it('exits 2 for an unknown service, listing the known ones', async () => {
    const { result, err } = await runCli(['serve', 'billing-x']);
    expect(result).toBe(2);
    expect(err).toContain('unknown service "billing-x"');
    expect(err).toContain('gateway');
  });

  it('exits 2 naming every bad variable, its own included, before starting anything', async () => {
    const { result, err } = await runCli(['serve', 'gateway'], {
      PORT: 'abc',
      HEALTHLANE_PEERS_URL: 'ftp://gateway',
      GATEWAY_HSTS: 'maybe',
    });
    expect(result).toBe(2);
    for (const variable of ['PORT', 'HEALTHLANE_PEERS_URL', 'GATEWAY_HSTS']) expect(err).toContain(variable);
  });
});

describe('healthlane cluster', () => {
  it('exits 2 when DATABASE_URL and NATS_URL are missing, naming both', async () => {
    const { result, err } = await runCli(['cluster']);
    expect(result).toBe(2);
    expect(err).toContain('DATABASE_URL: required but not set');
    expect(err).toContain('NATS_URL: required but not set');
  });

  it('reports host and cluster problems together', async () => {
    const { result, err } = await runCli(['cluster'], {
      DATABASE_URL: 'mysql://db',
      NATS_URL: 'nats://127.0.0.1:4222',
      HEALTHLANE_CLUSTER_BASE_PORT: 'high',
      LOG_LEVEL: 'loud',
    });
    expect(result).toBe(2);
    for (const variable of ['DATABASE_URL', 'HEALTHLANE_CLUSTER_BASE_PORT', 'LOG_LEVEL'])
      expect(err).toContain(variable);
    expect(err).not.toContain('NATS_URL');
  });
});

describe('healthlane services', () => {
  it('lists the registry, extras included, as JSON', async () => {
    const { result, out } = await runCli(['services', '--json'], {
      HEALTHLANE_EXTRA_SERVICES: fileURLToPath(new URL('./fixtures/echo-service.ts', import.meta.url)),
    });
    expect(result).toBe(0);
    expect(JSON.parse(out)).toEqual([
      expect.objectContaining({ name: 'gateway' }),
      expect.objectContaining({ name: 'identity', prefixes: ['/auth', '/fhir/R4/.well-known'] }),
      expect.objectContaining({ name: 'records', prefixes: ['/fhir'] }),
      expect.objectContaining({ name: 'monitoring' }),
      expect.objectContaining({ name: 'audit', prefixes: ['/fhir/R4/AuditEvent', '/audit'] }),
      expect.objectContaining({ name: 'echo', prefixes: ['/echo'] }),
    ]);
  });

  it('exits 2 for a bad HEALTHLANE_SERVICES selection', async () => {
    const { result, err } = await runCli(['services'], { HEALTHLANE_SERVICES: 'gateway,nope' });
    expect(result).toBe(2);
    expect(err).toContain('HEALTHLANE_SERVICES');
    expect(err).toContain('"nope"');
  });
});
