// Search behaviour written once and run on PGlite (search.test.ts) and PostgreSQL
// (search.int.test.ts): every parameter type with its modifiers and prefixes, chains, _has,
// includes, sorting, paging, totals, compartments and lenient handling.
import type { Database } from '@healthlane/store';
import { describe, expect, it } from 'vitest';
import { body, type RecordsApp } from './records-app.ts';

interface Bundle {
  resourceType: string;
  total?: number;
  link: { relation: string; url: string }[];
  entry?: { fullUrl: string; resource: Record<string, unknown>; search: { mode: string } }[];
}

export function searchSuite(context: () => { records: RecordsApp; db: Database }): void {
  const get = async (url: string, headers: Record<string, string> = {}) =>
    context().records.app.inject({ method: 'GET', url, headers });
  const search = async (url: string, headers: Record<string, string> = {}) => {
    const response = await get(url, headers);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return body<Bundle>(response);
  };
  const ids = async (url: string) =>
    (await search(url)).entry
      ?.filter((entry) => entry.search.mode === 'match')
      .map((entry) => entry.resource.id as string)
      .sort() ?? [];

  describe('token', () => {
    it('matches code, system|code, |code, system| and :not / :text / :of-type / :missing', async () => {
      expect(await ids('/fhir/R4/Patient?gender=female')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?identifier=urn:mrn|M-200')).toEqual(['pat-2']);
      expect(await ids('/fhir/R4/Patient?identifier=urn:other|M-200')).toEqual([]);
      expect(await ids('/fhir/R4/Patient?identifier=urn:mrn|')).toEqual(['pat-1', 'pat-2']);
      expect(await ids('/fhir/R4/Patient?gender=|male')).toEqual(['pat-2']);
      expect(await ids('/fhir/R4/Observation?code=http://loinc.org|8480-6')).toEqual(['obs-1', 'obs-2']);
      expect(await ids('/fhir/R4/Observation?code=8480-6,29463-7')).toEqual(['obs-1', 'obs-2', 'obs-3']);
      expect(await ids('/fhir/R4/Observation?code:not=8480-6')).toEqual(['obs-3', 'obs-4']);
      expect(await ids('/fhir/R4/Observation?code:text=systolic')).toEqual(['obs-1']);
      expect(await ids('/fhir/R4/Observation?code:text=weight')).toEqual(['obs-3']);
      expect(
        await ids(
          '/fhir/R4/Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|M-100',
        ),
      ).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?active=true')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?telecom:missing=true')).toEqual(['pat-2']);
      expect(await ids('/fhir/R4/Patient?telecom:missing=false')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?_tag=urn:tags|vip')).toEqual(['pat-1']);
    });
  });

  describe('token on code-typed elements (no system)', () => {
    const write = (method: 'PUT' | 'DELETE', resource: Record<string, unknown>) =>
      context().records.app.inject({
        method,
        url: `/fhir/R4/${resource.resourceType as string}/${resource.id as string}`,
        ...(method === 'PUT'
          ? { headers: { 'content-type': 'application/fhir+json' }, payload: JSON.stringify(resource) }
          : {}),
      });

    it('matches code, |code, OR, :not and :missing on code elements', async () => {
      expect(await ids('/fhir/R4/Observation?status=final')).toEqual(['obs-1', 'obs-2', 'obs-4']);
      expect(await ids('/fhir/R4/Observation?status=|final')).toEqual(['obs-1', 'obs-2', 'obs-4']);
      expect(await ids('/fhir/R4/Observation?status=preliminary,amended')).toEqual(['obs-3']);
      expect(await ids('/fhir/R4/Observation?status:not=final')).toEqual(['obs-3']);
      expect(await ids('/fhir/R4/Observation?status:not=final,preliminary')).toEqual([]);
      expect(await ids('/fhir/R4/Observation?status:not=final&status:not=preliminary')).toEqual([]);
      expect(await ids('/fhir/R4/Observation?status=FINAL')).toEqual([]); // codes are case-sensitive
      expect(await ids('/fhir/R4/Observation?status=final&code=29463-7')).toEqual([]);
      expect(await ids('/fhir/R4/ValueSet?status=active')).toEqual(['vs-1']);
      expect(await ids('/fhir/R4/Observation?status:missing=false')).toEqual([
        'obs-1',
        'obs-2',
        'obs-3',
        'obs-4',
      ]);
    });

    it('indexes a code that carries a primitive extension; :not keeps resources without the element', async () => {
      const extension = [{ url: 'http://example.org/ext', valueString: 'note' }];
      expect(
        (
          await write('PUT', {
            resourceType: 'Patient',
            id: 'code-1',
            gender: 'other',
            _gender: { extension },
          })
        ).statusCode,
      ).toBeLessThan(300);
      expect(
        (await write('PUT', { resourceType: 'Patient', id: 'code-2', active: true })).statusCode,
      ).toBeLessThan(300);
      try {
        expect(await ids('/fhir/R4/Patient?gender=other')).toEqual(['code-1']);
        expect(await ids('/fhir/R4/Patient?gender:not=female')).toEqual(['code-1', 'code-2', 'pat-2']);
        expect(await ids('/fhir/R4/Patient?gender:missing=true')).toEqual(['code-2']);
        expect(await ids('/fhir/R4/Patient?gender:not=other&active=true')).toEqual(['code-2', 'pat-1']);
      } finally {
        await write('DELETE', { resourceType: 'Patient', id: 'code-1' });
        await write('DELETE', { resourceType: 'Patient', id: 'code-2' });
      }
    });
  });

  describe('token terminology modifiers', () => {
    const condition = '/fhir/R4/Condition?clinical-status';
    const clinical = 'http://terminology.hl7.org/CodeSystem/condition-clinical';

    it(':in and :not-in expand R4 ValueSets from their compose', async () => {
      const cancelled = {
        resourceType: 'Observation',
        id: 'in-1',
        status: 'cancelled',
        code: { coding: [{ system: 'http://loinc.org', code: '8302-2' }] },
      };
      const put = await context().records.app.inject({
        method: 'PUT',
        url: '/fhir/R4/Observation/in-1',
        headers: { 'content-type': 'application/fhir+json' },
        payload: JSON.stringify(cancelled),
      });
      expect(put.statusCode).toBe(201);
      try {
        const all = ['in-1', 'obs-1', 'obs-2', 'obs-3', 'obs-4'];
        expect(
          await ids('/fhir/R4/Observation?status:in=http://hl7.org/fhir/ValueSet/observation-status'),
        ).toEqual(all);
        // detectedissue-status: preliminary, final, entered-in-error and amended with its descendants
        const detected = 'http://hl7.org/fhir/ValueSet/detectedissue-status';
        expect(await ids(`/fhir/R4/Observation?status:in=${detected}`)).toEqual([
          'obs-1',
          'obs-2',
          'obs-3',
          'obs-4',
        ]);
        expect(await ids(`/fhir/R4/Observation?status:not-in=${detected}`)).toEqual(['in-1']);
        expect(await ids(`/fhir/R4/Observation?status:not-in=${detected}&code=8302-2`)).toEqual(['in-1']);
        expect(await ids(`/fhir/R4/Observation?status:in=${detected}&status:not-in=${detected}`)).toEqual([]);
      } finally {
        await context().records.app.inject({ method: 'DELETE', url: '/fhir/R4/Observation/in-1' });
      }
      expect(await ids(`${condition}:in=http://hl7.org/fhir/ValueSet/condition-clinical`)).toEqual([
        'cond-1',
      ]);
      expect(await ids(`${condition}:in=http://hl7.org/fhir/ValueSet/condition-clinical|4.0.1`)).toEqual([
        'cond-1',
      ]);
      expect(await ids(`${condition}:not-in=http://hl7.org/fhir/ValueSet/condition-clinical`)).toEqual([]);
      expect(await ids(`${condition}:in=http://hl7.org/fhir/ValueSet/condition-ver-status`)).toEqual([]);
      expect(
        await ids('/fhir/R4/Patient?gender:in=http://hl7.org/fhir/ValueSet/administrative-gender'),
      ).toEqual(['pat-1', 'pat-2']);
    });

    it(':below and :above follow the is-a hierarchy of an R4 code system', async () => {
      expect(await ids(`${condition}:below=${clinical}|active`)).toEqual(['cond-1']);
      expect(await ids(`${condition}:below=${clinical}|inactive`)).toEqual([]);
      expect(await ids(`${condition}:above=${clinical}|relapse`)).toEqual(['cond-1']);
      expect(await ids(`${condition}:above=${clinical}|resolved`)).toEqual([]);
      expect(await ids(`${condition}:above=${clinical}|active`)).toEqual(['cond-1']);
      expect(
        await ids(`/fhir/R4/Observation?status:below=http://hl7.org/fhir/observation-status|final`),
      ).toEqual(['obs-1', 'obs-2', 'obs-4']);
    });

    it('answers 400 with an OperationOutcome when terminology would be needed', async () => {
      for (const url of [
        '/fhir/R4/Observation?code:in=http://hl7.org/fhir/ValueSet/observation-codes', // LOINC: external
        '/fhir/R4/Observation?code:not-in=http://hl7.org/fhir/ValueSet/observation-codes',
        '/fhir/R4/Observation?code:in=http://example.org/ValueSet/unknown',
        '/fhir/R4/Condition?code:below=http://snomed.info/sct|38341003', // SNOMED CT: external
        '/fhir/R4/Condition?code:above=http://loinc.org|8480-6',
        `${condition}:below=active`, // no system
        `${condition}:below=${clinical}|no-such-code`,
        '/fhir/R4/Patient?gender:in=',
      ]) {
        const response = await get(url);
        expect(response.statusCode, url).toBe(400);
        const outcome = body<{ resourceType: string; issue: { diagnostics: string }[] }>(response);
        expect(outcome.resourceType).toBe('OperationOutcome');
        expect(outcome.issue[0]!.diagnostics, url).toMatch(/ValueSet|code system|system\|code|empty/);
        expect(response.body).not.toContain('38341003');
        expect(response.body).not.toContain('no-such-code');
      }
    });
  });

  describe('_content, _text and _list', () => {
    const write = (resource: Record<string, unknown>) =>
      context().records.app.inject({
        method: 'PUT',
        url: `/fhir/R4/${resource.resourceType as string}/${resource.id as string}`,
        headers: { 'content-type': 'application/fhir+json' },
        payload: JSON.stringify(resource),
      });
    const remove = (path: string) =>
      context().records.app.inject({ method: 'DELETE', url: `/fhir/R4/${path}` });
    const narrative = (html: string) => ({
      status: 'generated',
      div: `<div xmlns="http://www.w3.org/1999/xhtml">${html}</div>`,
    });

    it('_text searches the narrative without tags, _content every string; stemmed, accent-insensitive', async () => {
      expect(
        (
          await write({
            resourceType: 'Patient',
            id: 'txt-1',
            text: narrative('<p>Allergic to <b>penicillin</b> &amp; peanuts</p>'),
            name: [{ family: 'Zoëlander' }],
          })
        ).statusCode,
      ).toBe(201);
      expect(
        (
          await write({
            resourceType: 'Observation',
            id: 'txt-2',
            status: 'final',
            code: { text: 'Fasting glucose' },
            subject: { reference: 'Patient/txt-1' },
            note: [{ text: 'Drawn before breakfast' }],
          })
        ).statusCode,
      ).toBe(201);
      try {
        expect(await ids('/fhir/R4/Patient?_text=penicillin')).toEqual(['txt-1']);
        expect(await ids('/fhir/R4/Patient?_text=PENICILLIN&_text=peanuts')).toEqual(['txt-1']);
        expect(await ids('/fhir/R4/Patient?_text=penicillin%20-peanuts')).toEqual([]);
        expect(await ids('/fhir/R4/Patient?_text=%22allergic%20to%20penicillin%22')).toEqual(['txt-1']);
        expect(await ids('/fhir/R4/Patient?_text=%22penicillin%20allergic%22')).toEqual([]);
        expect(await ids('/fhir/R4/Patient?_text=zoelander')).toEqual([]); // the name is not in the narrative
        expect(await ids('/fhir/R4/Patient?_text=xhtml')).toEqual([]); // tags and attributes are not text
        expect(await ids('/fhir/R4/Patient?_content=zoelander')).toEqual(['txt-1']);
        expect(await ids('/fhir/R4/Patient?_content=Zoëlander%20penicillin')).toEqual(['txt-1']);
        expect(await ids('/fhir/R4/Observation?_content=glucose')).toEqual(['txt-2']);
        expect(await ids('/fhir/R4/Observation?_content=fasts')).toEqual(['txt-2']); // stems: fasting ~ fasts
        expect(await ids('/fhir/R4/Observation?_content=breakfast&patient=txt-1')).toEqual(['txt-2']);
        expect(await ids('/fhir/R4/Observation?_content=nothing,breakfast')).toEqual(['txt-2']);
        expect(await ids('/fhir/R4/Observation?_content=glucose%20or%20nothing')).toEqual(['txt-2']);
        expect(await ids('/fhir/R4/Observation?_text=glucose')).toEqual([]);
        expect(await ids('/fhir/R4/Patient?_has:Observation:patient:_content=glucose')).toEqual(['txt-1']);
        // an update replaces the documents, a delete removes them
        await write({ resourceType: 'Patient', id: 'txt-1', text: narrative('<p>Latex allergy</p>') });
        expect(await ids('/fhir/R4/Patient?_text=penicillin')).toEqual([]);
        expect(await ids('/fhir/R4/Patient?_content=zoelander')).toEqual([]);
        expect(await ids('/fhir/R4/Patient?_text=latex')).toEqual(['txt-1']);
      } finally {
        await remove('Observation/txt-2');
        await remove('Patient/txt-1');
      }
      expect(await ids('/fhir/R4/Patient?_text=latex')).toEqual([]);
      for (const url of [
        '/fhir/R4/Bundle?_text=x', // no narrative on a Bundle
        '/fhir/R4/Patient?_content=',
        '/fhir/R4/Patient?_content:exact=x',
        '/fhir/R4/Patient?_sort=_content',
      ]) {
        expect((await get(url)).statusCode, url).toBe(400);
      }
    });

    it('_list finds the resources a List holds', async () => {
      expect(
        (
          await write({
            resourceType: 'List',
            id: 'list-1',
            status: 'current',
            mode: 'working',
            entry: [
              { item: { reference: 'Patient/pat-2' } },
              { item: { reference: 'Observation/obs-3' } },
              { item: { reference: 'Observation/obs-1' } },
            ],
          })
        ).statusCode,
      ).toBe(201);
      try {
        expect(await ids('/fhir/R4/Observation?_list=list-1')).toEqual(['obs-1', 'obs-3']);
        expect(await ids('/fhir/R4/Observation?_list=list-1&status=final')).toEqual(['obs-1']);
        expect(await ids('/fhir/R4/Patient?_list=list-1')).toEqual(['pat-2']);
        expect(await ids('/fhir/R4/Condition?_list=list-1')).toEqual([]);
        expect(await ids('/fhir/R4/Patient?_list=nope')).toEqual([]);
        expect((await get('/fhir/R4/Patient?_list=$current-allergies')).statusCode).toBe(400);
      } finally {
        await remove('List/list-1');
      }
      expect(await ids('/fhir/R4/Observation?_list=list-1')).toEqual([]);
    });
  });

  describe('_filter', () => {
    const filter = (type: string, expression: string) =>
      `/fhir/R4/${type}?_filter=${encodeURIComponent(expression)}`;

    it('answers comparisons with and/or/not, parentheses and chains from the same indexes', async () => {
      expect(await ids(filter('Patient', 'gender eq female'))).toEqual(['pat-1']);
      expect(await ids(filter('Patient', 'gender eq female or gender eq male'))).toEqual(['pat-1', 'pat-2']);
      expect(await ids(filter('Patient', 'gender ne female'))).toEqual(['pat-2']);
      expect(await ids(filter('Patient', 'not (gender eq female)'))).toEqual(['pat-2']);
      expect(await ids(filter('Patient', 'family eq "MÜLLER"'))).toEqual(['pat-1']); // equal, case/accent-insensitive
      expect(await ids(filter('Patient', 'family eq mul'))).toEqual([]);
      expect(await ids(filter('Patient', 'family sw mul'))).toEqual(['pat-1']);
      expect(await ids(filter('Patient', 'family co ith'))).toEqual(['pat-2']);
      expect(await ids(filter('Patient', 'birthdate gt 1976'))).toEqual(['pat-1']);
      expect(await ids(filter('Patient', 'birthdate le 1975 and active eq false'))).toEqual(['pat-2']);
      expect(await ids(filter('Patient', '_id ne pat-1'))).toEqual(['pat-2']);
      expect(
        await ids(
          filter(
            'Observation',
            'status eq final and (code eq http://loinc.org|8480-6 or value-quantity lt 100)',
          ),
        ),
      ).toEqual(['obs-1', 'obs-2']);
      expect(
        await ids(filter('Observation', 'status eq final and code eq 8480-6 or value-quantity lt 100')),
      ).toEqual(['obs-1', 'obs-2', 'obs-3']); // and binds tighter than or
      expect(await ids(filter('Observation', 'subject.name eq smith'))).toEqual(['obs-3', 'obs-4']);
      expect(await ids(filter('Observation', 'performer pr true'))).toEqual(['obs-1']);
      expect(await ids(filter('Observation', 'performer pr false'))).toEqual(['obs-2', 'obs-3', 'obs-4']);
      expect(
        await ids(filter('Observation', 'status ni http://hl7.org/fhir/ValueSet/detectedissue-status')),
      ).toEqual([]);
      expect(await ids(`${filter('Patient', 'gender eq male or gender eq female')}&active=false`)).toEqual([
        'pat-2',
      ]);
      expect(
        await ids(
          `${filter('Patient', 'gender eq male')}&${filter('Patient', 'active eq true').split('?')[1]}`,
        ),
      ).toEqual([]);
    });

    it('refuses what it does not answer with a 400 OperationOutcome', async () => {
      for (const expression of [
        'family ew ith',
        'name[use eq official] eq x',
        'gender eq',
        '(gender eq male',
        'gender xx male',
        'nonsense eq 1',
        'gender eq male and',
        'not gender eq male',
        'birthdate co 1980',
        '"unterminated',
        '',
      ]) {
        const response = await get(filter('Patient', expression));
        expect(response.statusCode, expression).toBe(400);
        expect(body(response).resourceType).toBe('OperationOutcome');
      }
      expect(
        (await get(`/fhir/R4/Patient?_filter:exact=${encodeURIComponent('gender eq male')}`)).statusCode,
      ).toBe(400);
    });
  });

  describe('string', () => {
    it('starts-with by default, case- and accent-insensitive; :exact and :contains', async () => {
      expect(await ids('/fhir/R4/Patient?family=mul')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?name=ANN')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?name=smi,mül')).toEqual(['pat-1', 'pat-2']);
      expect(await ids('/fhir/R4/Patient?family:exact=Müller')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?family:exact=muller')).toEqual([]);
      expect(await ids('/fhir/R4/Patient?family:contains=ith')).toEqual(['pat-2']);
      expect(await ids('/fhir/R4/Patient?address-city=bos')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?address=cambr')).toEqual(['pat-2']);
      expect(await ids('/fhir/R4/Patient?name=mar&name=ann')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?name=mar&name=john')).toEqual([]);
    });
  });

  describe('date', () => {
    it('honours precision and every prefix', async () => {
      expect(await ids('/fhir/R4/Patient?birthdate=1980')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?birthdate=1980-05-17')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?birthdate=1980-05-18')).toEqual([]);
      expect(await ids('/fhir/R4/Patient?birthdate=1975-03-01')).toEqual([]); // 1975 is wider than a day
      expect(await ids('/fhir/R4/Patient?birthdate=gt1976')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?birthdate=lt1976')).toEqual(['pat-2']);
      expect(await ids('/fhir/R4/Patient?birthdate=ge1980-05-17')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?birthdate=le1975')).toEqual(['pat-2']);
      expect(await ids('/fhir/R4/Patient?birthdate=ne1980')).toEqual(['pat-2']);
      expect(await ids('/fhir/R4/Patient?birthdate=sa1976')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?birthdate=eb1976')).toEqual(['pat-2']);
      // ap: the search range widened by 10% of its distance to now (the test clock says 2026-01-01)
      expect(await ids('/fhir/R4/Observation?date=ap2024-06-14')).toEqual(['obs-2']);
      expect(await ids('/fhir/R4/Observation?date=2024-03')).toEqual(['obs-1']);
      expect(await ids('/fhir/R4/Observation?date=ge2024-01-01&date=lt2024-06-01')).toEqual(['obs-1']);
      expect(await ids('/fhir/R4/Observation?date=2023-01-15')).toEqual([]); // the period is wider than the day
      expect(await ids('/fhir/R4/Observation?date=2023-01')).toEqual(['obs-3']);
      expect(await ids('/fhir/R4/Observation?date=gt2023-01-15')).toEqual(['obs-1', 'obs-2', 'obs-3']);
      expect(await ids('/fhir/R4/Observation?date=2024-03-01T10:00:00Z')).toEqual(['obs-1']);
      expect(await ids('/fhir/R4/Observation?date=2024-03-01T11:00:00%2B01:00')).toEqual(['obs-1']);
    });
  });

  describe('number and quantity', () => {
    it('uses the precision of the search value and the prefixes', async () => {
      expect(await ids('/fhir/R4/RiskAssessment?probability=0.25')).toEqual(['risk-1']);
      expect(await ids('/fhir/R4/RiskAssessment?probability=0.3')).toEqual(['risk-1']); // 0.3 means [0.25, 0.35)
      expect(await ids('/fhir/R4/RiskAssessment?probability=0.30')).toEqual([]);
      expect(await ids('/fhir/R4/RiskAssessment?probability=gt0.2')).toEqual(['risk-1']);
      expect(await ids('/fhir/R4/RiskAssessment?probability=lt0.2')).toEqual([]);
      expect(await ids('/fhir/R4/Observation?value-quantity=120')).toEqual(['obs-1']);
      expect(await ids('/fhir/R4/Observation?value-quantity=135')).toEqual([]);
      expect(await ids('/fhir/R4/Observation?value-quantity=1.355e2')).toEqual(['obs-2']); // [135.495, 135.505)
      expect(await ids('/fhir/R4/Observation?value-quantity=gt100|http://unitsofmeasure.org|mm[Hg]')).toEqual(
        ['obs-1', 'obs-2'],
      );
      expect(await ids('/fhir/R4/Observation?value-quantity=le80||kg')).toEqual(['obs-3']);
      expect(await ids('/fhir/R4/Observation?value-quantity=ap130')).toEqual(['obs-1', 'obs-2']);
    });
  });

  describe('reference', () => {
    it('matches Type/id, id, absolute URLs, :Type, :identifier and :missing', async () => {
      expect(await ids('/fhir/R4/Observation?subject=Patient/pat-1')).toEqual(['obs-1', 'obs-2']);
      expect(await ids('/fhir/R4/Observation?patient=pat-2')).toEqual(['obs-3', 'obs-4']);
      expect(await ids('/fhir/R4/Observation?subject:Patient=pat-2')).toEqual(['obs-3', 'obs-4']);
      expect(await ids('/fhir/R4/Observation?subject=http://localhost:80/fhir/R4/Patient/pat-1')).toEqual([
        'obs-1',
        'obs-2',
      ]);
      expect(await ids('/fhir/R4/Observation?performer:missing=true')).toEqual(['obs-2', 'obs-3', 'obs-4']);
      expect(await ids('/fhir/R4/Patient?general-practitioner=Practitioner/pr-1')).toEqual(['pat-1']);
    });
  });

  describe('uri and composite', () => {
    it('matches uri exactly, :below and :above; composites by component', async () => {
      expect(await ids('/fhir/R4/ValueSet?url=http://example.org/fhir/ValueSet/colors')).toEqual(['vs-1']);
      expect(await ids('/fhir/R4/ValueSet?url:below=http://example.org/fhir')).toEqual(['vs-1']);
      expect(await ids('/fhir/R4/ValueSet?url:above=http://example.org/fhir/ValueSet/colors/v2')).toEqual([
        'vs-1',
      ]);
      expect(await ids('/fhir/R4/ValueSet?url=http://example.org/fhir')).toEqual([]);
      expect(await ids('/fhir/R4/Patient?_profile=http://example.org/StructureDefinition/p1')).toEqual([
        'pat-1',
      ]);
      expect(await ids('/fhir/R4/Patient?_source=urn:src:a')).toEqual(['pat-1']);
      expect(
        await ids('/fhir/R4/Observation?component-code-value-quantity=http://loinc.org|8480-6$gt140'),
      ).toEqual(['obs-4']);
      expect(
        await ids('/fhir/R4/Observation?component-code-value-quantity=http://loinc.org|8480-6$lt140'),
      ).toEqual([]);
      expect(await ids('/fhir/R4/Observation?code-value-quantity=8480-6$120')).toEqual(['obs-1']);
    });
  });

  describe('_id, _lastUpdated, chains and _has', () => {
    it('searches by id and lastUpdated on the resource row', async () => {
      expect(await ids('/fhir/R4/Patient?_id=pat-2,nope')).toEqual(['pat-2']);
      expect(await ids('/fhir/R4/Patient?_lastUpdated=gt2020-01-01')).toEqual(['pat-1', 'pat-2']);
      expect(await ids('/fhir/R4/Patient?_lastUpdated=lt2020-01-01')).toEqual([]);
      expect(await ids('/fhir/R4/Patient?_id:not=pat-2&_id=pat-1,pat-2')).toEqual(['pat-1']);
      expect(await ids('/fhir/R4/Patient?_id:missing=true')).toEqual([]);
      expect(await ids('/fhir/R4/Patient?_lastUpdated:missing=false&gender=male')).toEqual(['pat-2']);
    });

    it('follows chains of any depth and reverse chains', async () => {
      expect(await ids('/fhir/R4/Observation?subject:Patient.name=smith')).toEqual(['obs-3', 'obs-4']);
      expect(await ids('/fhir/R4/Observation?patient.birthdate=1980')).toEqual(['obs-1', 'obs-2']);
      expect(await ids('/fhir/R4/Observation?subject:Patient.general-practitioner.name=house')).toEqual([
        'obs-1',
        'obs-2',
      ]);
      expect(await ids('/fhir/R4/Observation?subject:Patient.organization.name=saint')).toEqual([
        'obs-1',
        'obs-2',
      ]);
      expect(await ids('/fhir/R4/Patient?_has:Observation:patient:code=29463-7')).toEqual(['pat-2']);
      expect(await ids('/fhir/R4/Patient?_has:Condition:subject:code=38341003')).toEqual(['pat-1']);
      expect(
        await ids(
          '/fhir/R4/Practitioner?_has:Patient:general-practitioner:_has:Observation:patient:code=8480-6',
        ),
      ).toEqual(['pr-1']);
    });
  });

  describe('result shaping', () => {
    it('sorts on several keys, either way', async () => {
      const order = async (url: string) => (await search(url)).entry?.map((entry) => entry.resource.id);
      expect(await order('/fhir/R4/Observation?_sort=date')).toEqual(['obs-4', 'obs-3', 'obs-1', 'obs-2']);
      expect(await order('/fhir/R4/Observation?_sort=-date')).toEqual(['obs-2', 'obs-1', 'obs-3', 'obs-4']);
      expect(await order('/fhir/R4/Observation?_sort=status,-date')).toEqual([
        'obs-2',
        'obs-1',
        'obs-4',
        'obs-3',
      ]);
      expect(await order('/fhir/R4/Patient?_sort=-birthdate')).toEqual(['pat-1', 'pat-2']);
      expect(await order('/fhir/R4/Patient?_sort=family')).toEqual(['pat-1', 'pat-2']);
      expect(await order('/fhir/R4/Patient?_sort=-_id')).toEqual(['pat-2', 'pat-1']);
    });

    it('pages with stable keyset links both ways', async () => {
      const seen: string[] = [];
      let page = await search('/fhir/R4/Observation?_sort=-date&_count=1');
      const pages: Bundle[] = [page];
      for (;;) {
        seen.push(...(page.entry ?? []).map((entry) => entry.resource.id as string));
        const next = page.link.find((link) => link.relation === 'next');
        if (!next) break;
        expect(next.url).toContain('_cursor=');
        page = await search(new URL(next.url).pathname + new URL(next.url).search);
        pages.push(page);
      }
      expect(seen).toEqual(['obs-2', 'obs-1', 'obs-3', 'obs-4']);
      const prev = pages[3]!.link.find((link) => link.relation === 'previous')!;
      const back = await search(new URL(prev.url).pathname + new URL(prev.url).search);
      expect(back.entry?.map((entry) => entry.resource.id)).toEqual(['obs-3']);
      expect(pages[0]!.link.find((link) => link.relation === 'previous')).toBeUndefined();
      expect((await get('/fhir/R4/Observation?_cursor=garbage')).statusCode).toBe(400);
    });

    it('answers _total, _summary=count, _elements and _summary', async () => {
      expect((await search('/fhir/R4/Observation?_count=1&_total=accurate')).total).toBe(4);
      expect((await search('/fhir/R4/Observation?_count=1')).total).toBeUndefined();
      expect((await search('/fhir/R4/Observation')).total).toBe(4);
      expect(typeof (await search('/fhir/R4/Observation?_total=estimate')).total).toBe('number');
      const count = await search('/fhir/R4/Observation?status=final&_summary=count');
      expect(count.total).toBe(3);
      expect(count.entry).toEqual([]);
      const elements = await search('/fhir/R4/Patient?_id=pat-1&_elements=gender');
      expect(Object.keys(elements.entry![0]!.resource).sort()).toEqual([
        'gender',
        'id',
        'meta',
        'resourceType',
      ]);
      expect((await search('/fhir/R4/Patient?_count=0')).entry).toEqual([]);
    });

    it('includes and reverse-includes, with :iterate and *', async () => {
      const modes = async (url: string) =>
        (await search(url)).entry
          ?.map((entry) => `${entry.search.mode}:${entry.resource.id as string}`)
          .sort();
      expect(await modes('/fhir/R4/Observation?_id=obs-1&_include=Observation:subject')).toEqual([
        'include:pat-1',
        'match:obs-1',
      ]);
      expect(await modes('/fhir/R4/Observation?_id=obs-1&_include=*')).toEqual([
        'include:pat-1',
        'include:pr-1',
        'match:obs-1',
      ]);
      expect(
        await modes(
          '/fhir/R4/Observation?_id=obs-1&_include=Observation:subject&_include:iterate=Patient:organization',
        ),
      ).toEqual(['include:org-1', 'include:pat-1', 'match:obs-1']);
      expect(await modes('/fhir/R4/Patient?_id=pat-2&_revinclude=Observation:subject')).toEqual([
        'include:obs-3',
        'include:obs-4',
        'match:pat-2',
      ]);
    });
  });

  describe('system and compartment search, $everything', () => {
    it('searches across types with _type and inside a patient compartment', async () => {
      const types = (await search('/fhir/R4?_type=Patient,Organization&_count=50')).entry?.map(
        (entry) => entry.resource.resourceType,
      );
      expect(new Set(types)).toEqual(new Set(['Patient', 'Organization']));
      expect(await ids('/fhir/R4/Patient/pat-1/Observation')).toEqual(['obs-1', 'obs-2']);
      expect(await ids('/fhir/R4/Patient/pat-1/Observation?date=2024-06')).toEqual(['obs-2']);
      expect(await ids('/fhir/R4/Patient/pat-1/Condition')).toEqual(['cond-1']);
      const everything = await ids('/fhir/R4/Patient/pat-1/$everything?_count=100');
      expect(everything).toEqual(['cond-1', 'obs-1', 'obs-2', 'pat-1', 'risk-1']);
      const first = await search('/fhir/R4/Patient/pat-1/$everything?_count=2');
      expect(first.entry).toHaveLength(2);
      expect(first.link.some((link) => link.relation === 'next')).toBe(true);
    });

    it('accepts POST _search with a form body', async () => {
      const response = await context().records.app.inject({
        method: 'POST',
        url: '/fhir/R4/Patient/_search',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'gender=male',
      });
      expect(response.statusCode).toBe(200);
      expect(body<Bundle>(response).entry?.map((entry) => entry.resource.id)).toEqual(['pat-2']);
    });
  });

  describe('refusals', () => {
    it('answers 400 for unknown parameters, or ignores them with a warning when lenient', async () => {
      const strict = await get('/fhir/R4/Patient?nonsense=1');
      expect(strict.statusCode).toBe(400);
      expect(body(strict).resourceType).toBe('OperationOutcome');
      const lenient = await search('/fhir/R4/Patient?nonsense=1&gender=male', { prefer: 'handling=lenient' });
      expect(
        lenient.entry?.filter((entry) => entry.search.mode === 'match').map((entry) => entry.resource.id),
      ).toEqual(['pat-2']);
      expect(lenient.entry?.some((entry) => entry.search.mode === 'outcome')).toBe(true);
      for (const url of [
        '/fhir/R4/Patient?birthdate=notadate',
        '/fhir/R4/Patient?gender:exact=male',
        '/fhir/R4/RiskAssessment?probability=abc',
        '/fhir/R4/Patient?_count=x',
        '/fhir/R4/Patient?_sort=nonsense',
        '/fhir/R4/Patient?name=',
        '/fhir/R4/Observation?subject:Patient.nonsense=1',
      ]) {
        const response = await get(url);
        expect(response.statusCode, url).toBe(400);
        expect(response.body).not.toContain('notadate');
      }
      expect((await get('/fhir/R4/NotAType?x=1')).statusCode).toBe(404);
    });
  });

  describe('indexing', () => {
    const indexRows = async (id: string) => {
      const { rows } = await context().db.query<{ count: number }>(
        `SELECT (SELECT count(*) FROM records.string_index WHERE resource_id = $1)
              + (SELECT count(*) FROM records.token_index WHERE resource_id = $1)
              + (SELECT count(*) FROM records.date_index WHERE resource_id = $1)
              + (SELECT count(*) FROM records.reference_index WHERE resource_id = $1) AS count`,
        [id],
      );
      return Number(rows[0]!.count);
    };

    it('writes index rows in the same transaction: a failed transaction leaves none', async () => {
      const bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: {
              resourceType: 'Patient',
              id: 'tx-fail',
              name: [{ family: 'Atomicity' }],
              birthDate: '1990',
            },
            request: { method: 'PUT', url: 'Patient/tx-fail' },
          },
          {
            resource: { resourceType: 'Patient', gender: 'robot' },
            request: { method: 'POST', url: 'Patient' },
          },
        ],
      };
      const response = await context().records.app.inject({
        method: 'POST',
        url: '/fhir/R4',
        headers: { 'content-type': 'application/fhir+json' },
        payload: JSON.stringify(bundle),
      });
      expect(response.statusCode).toBe(400);
      expect(await indexRows('tx-fail')).toBe(0);
      expect(await ids('/fhir/R4/Patient?family=atomicity')).toEqual([]);
    });

    it('replaces index rows on update and removes them on delete', async () => {
      const put = (resource: Record<string, unknown>) =>
        context().records.app.inject({
          method: 'PUT',
          url: '/fhir/R4/Patient/idx-1',
          headers: { 'content-type': 'application/fhir+json' },
          payload: JSON.stringify({ resourceType: 'Patient', id: 'idx-1', ...resource }),
        });
      await put({ name: [{ family: 'Before' }] });
      expect(await ids('/fhir/R4/Patient?family=before')).toEqual(['idx-1']);
      await put({ name: [{ family: 'After' }], birthDate: '2001' });
      expect(await ids('/fhir/R4/Patient?family=before')).toEqual([]);
      expect(await ids('/fhir/R4/Patient?family=after&birthdate=2001')).toEqual(['idx-1']);
      await context().records.app.inject({ method: 'DELETE', url: '/fhir/R4/Patient/idx-1' });
      expect(await ids('/fhir/R4/Patient?family=after')).toEqual([]);
      expect(await indexRows('idx-1')).toBe(0);
    });
  });
}
