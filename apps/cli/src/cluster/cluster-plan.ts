// Decides who listens where in a cluster: each service on its own loopback port, the gateway
// on PORT with a routing table that sends every service's prefixes to that service's port.
import { createServer } from 'node:net';
import type { ServiceDefinition } from '@healthlane/kit';

export interface PlannedProcess {
  name: string;
  port: number;
  /** Environment on top of the cluster's own. */
  env: Record<string, string>;
}

export interface ClusterPlan {
  services: PlannedProcess[];
  gateway: PlannedProcess;
}

export interface PlanInput {
  services: readonly ServiceDefinition[];
  /** The gateway's port (PORT); 0 picks a free one. */
  gatewayPort: number;
  /** First service port; 0 picks free ports (tests). */
  basePort: number;
}

export async function planCluster(input: PlanInput): Promise<ClusterPlan> {
  const gatewayPort = input.gatewayPort === 0 ? await freePort() : input.gatewayPort;
  const others = input.services.filter((service) => service.name !== 'gateway');
  const ports: number[] = [];
  for (let index = 0; index < others.length; index += 1) {
    ports.push(input.basePort === 0 ? await freePort() : input.basePort + index);
  }
  const peersUrl = `http://127.0.0.1:${gatewayPort}`;
  const services = others.map((service, index) => ({
    name: service.name,
    port: ports[index]!,
    // Services listen on loopback only: the gateway is the single entry.
    env: { PORT: String(ports[index]), HOST: '127.0.0.1', HEALTHLANE_PEERS_URL: peersUrl },
  }));
  const routes = others.flatMap((service, index) =>
    service.prefixes.map((prefix) => `${prefix}=http://127.0.0.1:${ports[index]}`),
  );
  return {
    services,
    gateway: {
      name: 'gateway',
      port: gatewayPort,
      env: { PORT: String(gatewayPort), GATEWAY_ROUTES: routes.join(',') },
    },
  };
}

/** A port the OS has just handed out; tiny race with other binders, acceptable for tests. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
