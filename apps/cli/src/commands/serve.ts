// `healthlane serve <service>`: one service as its own process (the container entrypoint).
import { createHttpTransport } from '@healthlane/client';
import { env as envTypes, hostConfig, loadConfig, runHost } from '@healthlane/kit';
import { z } from 'zod';
import { authIsOn, servicePeerAuth } from '../auth/service-identity.ts';
import { type Command, parseCommandArgs, usageLine } from '../command.ts';
import { findService, loadRegistry } from '../service-registry.ts';
import { UsageError } from '../usage-error.ts';
import { exitWhenSupervisorLeaves } from './supervised.ts';

/** Where peer calls go: the gateway, whose routing table knows every service. */
export const serveConfig = z.object({
  HEALTHLANE_PEERS_URL: envTypes.url(['http:', 'https:']).default('http://127.0.0.1:8080'),
});

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run one service as its own process (container entrypoint)',
  help: `Usage: healthlane serve <service>

Runs one service in its own process, as a container or a cluster child does. It calls other
services over HTTP through the gateway at HEALTHLANE_PEERS_URL. Without DATABASE_URL its
embedded database lives in HEALTHLANE_DATA_DIR/<service>.

Environment:
  HEALTHLANE_PEERS_URL   base URL for calls to other services (http://127.0.0.1:8080);
                         in Kubernetes the gateway's Service, e.g. http://gateway:8080
  HEALTHLANE_SERVICE_CLIENT_ID, HEALTHLANE_SERVICE_CLIENT_SECRET
                         the services' own client (same values for identity and every service;
                         a Secret in Kubernetes); its token goes with every call to a peer
  PORT, HOST, LOG_LEVEL, HEALTHLANE_DATA_DIR, DATABASE_URL, NATS_URL, ... as for start
  HEALTHLANE_EXTRA_SERVICES   comma-separated module paths adding services

Run 'healthlane services' for the service names.
Exit codes: 0 stopped cleanly, 1 failed, 2 invalid usage or configuration.`,
  async run({ args, env }) {
    const { values, positionals } = parseCommandArgs(this, args, {}, { max: 1 });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const name = positionals[0];
    if (!name) throw new UsageError('missing <service>', usageLine(this.help));
    const registry = await loadRegistry(env);
    const service = findService(registry, name);
    if (!service) {
      throw new UsageError(
        `unknown service "${name}"`,
        `known services: ${registry.map((s) => s.name).join(', ')}`,
      );
    }
    // Validated together with the host's and the service's variables: one message lists every problem.
    const { serve } = loadConfig(
      { host: hostConfig, serve: serveConfig, [`service ${service.name}`]: service.config },
      env,
    );
    // The gateway owns the routing table, so its own peer calls stay in-process (through its proxy).
    const peers =
      name === 'gateway' ? 'in-process' : createHttpTransport({ baseUrl: serve.HEALTHLANE_PEERS_URL });
    if (env.HEALTHLANE_SUPERVISED === '1') exitWhenSupervisorLeaves();
    const peerAuth = servicePeerAuth(env);
    if (peerAuth === undefined && authIsOn(env) && name !== 'gateway') {
      console.error(
        'healthlane serve: HEALTHLANE_SERVICE_CLIENT_SECRET is not set; calls to other services carry no token and are refused',
      );
    }
    await runHost({
      services: [service],
      env,
      peers,
      dataSubdir: service.name,
      ...(peerAuth ? { peerAuth } : {}),
    });
    return 0;
  },
};
