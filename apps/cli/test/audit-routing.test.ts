// /fhir/R4/AuditEvent reaches the audit service in both layouts: in `cluster` the gateway's routing
// table (longest prefix first) sends it to audit while the rest of /fhir goes to records; in `start`
// audit's static routes win over records' /fhir/R4/:type in the one shared router.
import { matchRoute, parseRouteTable } from '@healthlane/gateway';
import { describe, expect, it } from 'vitest';
import { planCluster } from '../src/cluster/cluster-plan.ts';
import { builtInServices } from '../src/service-registry.ts';

describe('cluster routing of the audit trail', () => {
  it('routes AuditEvent and /audit to the audit service, other FHIR paths to records', async () => {
    const plan = await planCluster({ services: builtInServices, gatewayPort: 8080, basePort: 8100 });
    const table = parseRouteTable(plan.gateway.env.GATEWAY_ROUTES ?? '');
    if (!table.ok) throw new Error(table.problems.join('; '));
    const port = (name: string) => plan.services.find((service) => service.name === name)?.port;
    const upstreamOf = (path: string) => matchRoute(table.routes, path)?.upstream;
    expect(upstreamOf('/fhir/R4/AuditEvent?patient=p1')).toBe(`http://127.0.0.1:${port('audit')}`);
    expect(upstreamOf('/fhir/R4/AuditEvent/e1')).toBe(`http://127.0.0.1:${port('audit')}`);
    expect(upstreamOf('/audit/patients/p1/access-report')).toBe(`http://127.0.0.1:${port('audit')}`);
    expect(upstreamOf('/fhir/R4/Patient/p1')).toBe(`http://127.0.0.1:${port('records')}`);
    expect(upstreamOf('/fhir/R4/AuditEventX')).toBe(`http://127.0.0.1:${port('records')}`);
  });
});
