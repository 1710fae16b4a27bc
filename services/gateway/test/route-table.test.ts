// GATEWAY_ROUTES parsing and longest-prefix matching.
import { describe, expect, it } from 'vitest';
import { matchRoute, parseRouteTable } from '../src/route-table.ts';

describe('parseRouteTable', () => {
  it('parses entries, trims slashes and sorts longest prefix first', () => {
    const parsed = parseRouteTable(
      ' /fhir=http://127.0.0.1:8101/ , /fhir/R4/Binary=http://files:9000,/monitoring=https://m:1 ',
    );
    expect(parsed).toEqual({
      ok: true,
      routes: [
        { prefix: '/fhir/R4/Binary', upstream: 'http://files:9000' },
        { prefix: '/monitoring', upstream: 'https://m:1' },
        { prefix: '/fhir', upstream: 'http://127.0.0.1:8101' },
      ],
    });
  });

  it('is empty for an empty text', () => {
    expect(parseRouteTable('')).toEqual({ ok: true, routes: [] });
  });

  it('reports every bad entry at once', () => {
    const parsed = parseRouteTable('fhir=http://a:1,/=http://b:2,/x=ftp://c,/y,/z=http://d:1,/z=http://e:1');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toHaveLength(5);
    expect(parsed.problems.join('\n')).toMatch(/"\/z=http:\/\/e:1": prefix \/z is listed twice/);
  });
});

describe('matchRoute', () => {
  const parsed = parseRouteTable('/fhir=http://a:1,/fhir/R4/Binary=http://b:2');
  const routes = parsed.ok ? parsed.routes : [];

  it('picks the longest matching prefix', () => {
    expect(matchRoute(routes, '/fhir/R4/Binary/1?x=y')?.upstream).toBe('http://b:2');
    expect(matchRoute(routes, '/fhir/R4/Patient')?.upstream).toBe('http://a:1');
    expect(matchRoute(routes, '/fhir')?.upstream).toBe('http://a:1');
  });

  it('matches whole path segments only', () => {
    expect(matchRoute(routes, '/fhirx')).toBeUndefined();
    expect(matchRoute(routes, '/fhir/R4/Binaryx')?.upstream).toBe('http://a:1');
  });
});
