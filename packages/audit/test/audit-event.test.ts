// The BALP AuditEvent builder: every interaction yields a valid FHIR R4 AuditEvent with the right
// type, subtype and action; agents, entities, query and purpose of use land where BALP puts them.
import { validateResource } from '@healthlane/fhir';
import { describe, expect, it } from 'vitest';
import {
  type AuditInteraction,
  auditCodeSystem,
  buildAuditEvent,
  interactionCodes,
  outcomeOfStatus,
} from '../src/index.ts';

const recorded = new Date('2026-12-01T10:00:00.000Z');
const interactions = Object.keys(interactionCodes) as AuditInteraction[];

describe('buildAuditEvent', () => {
  it.each(interactions)('%s: a valid R4 AuditEvent', (interaction) => {
    const event = buildAuditEvent({
      interaction,
      outcome: '0',
      recorded,
      observer: 'records',
      user: { id: 'u-1', reference: 'Practitioner/p1', name: 'Dr Who', roles: ['clinician'] },
      client: { id: 'app-1', name: 'Chart app' },
      address: '10.0.0.7',
      resources: ['Observation/o1/_history/2'],
      patients: ['Patient/p9'],
      query: 'subject=Patient/p9&code=1234-5',
      queryType: 'Observation',
      purposeOfUse: ['TREAT'],
      policy: ['token-jti-1'],
      targetUser: { id: 'u-2', change: 'password-reset' },
    });
    expect(
      validateResource({ ...event, id: 'e1' }).filter(
        (issue) => issue.severity === 'error' || issue.severity === 'fatal',
      ),
    ).toEqual([]);
    expect(event.type).toEqual(interactionCodes[interaction].type);
    expect(event.subtype).toEqual(interactionCodes[interaction].subtype);
    expect(event.action).toBe(interactionCodes[interaction].action);
  });

  it('maps actions per BALP: C create, R read, U update/patch, D delete, E search and login', () => {
    const action = (interaction: AuditInteraction) => interactionCodes[interaction].action;
    expect([action('create'), action('read'), action('vread'), action('update'), action('patch')]).toEqual([
      'C',
      'R',
      'R',
      'U',
      'U',
    ]);
    expect([
      action('delete'),
      action('search-type'),
      action('login'),
      action('logout'),
      action('export'),
    ]).toEqual(['D', 'E', 'E', 'E', 'E']);
  });

  it('records the user as requestor with altId and roles, the client with the network address, the server as observer', () => {
    const event = buildAuditEvent({
      interaction: 'read',
      outcome: '0',
      recorded,
      observer: 'records',
      user: { id: 'u-1', name: 'Dr Who', roles: ['clinician', 'charge-nurse'] },
      client: { id: 'app-1' },
      address: '192.0.2.1',
    });
    const [user, client, server] = event.agent;
    expect(user).toMatchObject({ altId: 'u-1', name: 'Dr Who', requestor: true });
    expect(user?.role?.map((role) => role.coding[0]?.code)).toEqual(['clinician', 'charge-nurse']);
    expect(user?.network).toBeUndefined();
    expect(client).toMatchObject({
      altId: 'app-1',
      requestor: false,
      network: { address: '192.0.2.1', type: '2' },
    });
    expect(server).toMatchObject({ requestor: false, who: { identifier: { value: 'records' } } });
    expect(event.source.observer.identifier?.value).toBe('records');
  });

  it('without identity, the unauthenticated client is the requestor', () => {
    const event = buildAuditEvent({
      interaction: 'read',
      outcome: '0',
      recorded,
      observer: 'records',
      address: '::1',
    });
    expect(event.agent[0]).toMatchObject({ requestor: true, network: { address: '::1' } });
    expect(event.agent.filter((agent) => agent.requestor)).toHaveLength(1);
  });

  it('puts the query base64-encoded in a Query entity, and the patient in a Patient entity', () => {
    const query = 'name=Smith&birthdate=1970-01-01';
    const event = buildAuditEvent({
      interaction: 'search-type',
      outcome: '0',
      recorded,
      observer: 'records',
      query,
      queryType: 'Patient',
      patients: ['Patient/p1'],
      resources: ['Patient/p1'],
    });
    const queryEntity = event.entity?.find((entity) => entity.role?.code === '24');
    expect(Buffer.from(queryEntity?.query ?? '', 'base64').toString('utf8')).toBe(query);
    expect(JSON.stringify(event)).not.toContain('Smith');
    const patients = event.entity?.filter((entity) => entity.role?.code === '1');
    expect(patients?.map((entity) => entity.what?.reference)).toEqual(['Patient/p1']);
    expect(event.entity).toHaveLength(2); // the patient is not listed twice
  });

  it('marks break-glass access with ETREAT/BTG purposes of use', () => {
    const event = buildAuditEvent({
      interaction: 'read',
      outcome: '0',
      recorded,
      observer: 'records',
      user: { id: 'u-2' },
      purposeOfUse: ['ETREAT', 'BTG'],
    });
    const codes = event.purposeOfEvent?.map((purpose) => purpose.coding[0]);
    expect(codes).toEqual([
      expect.objectContaining({ system: auditCodeSystem.actReason, code: 'ETREAT' }),
      expect.objectContaining({ system: auditCodeSystem.actReason, code: 'BTG' }),
    ]);
    expect(event.agent[0]?.purposeOfUse).toEqual(event.purposeOfEvent);
  });

  it('maps HTTP status to outcome: success, minor failure for refusals and bad requests, serious for server errors', () => {
    expect([200, 201, 204, 304, 400, 401, 403, 404, 412, 500, 503].map(outcomeOfStatus)).toEqual([
      '0',
      '0',
      '0',
      '0',
      '4',
      '4',
      '4',
      '4',
      '4',
      '8',
      '8',
    ]);
  });
});
