// Every manifest rule can fail: for each one, a deliberately broken copy of the real production
// (or dev) manifests (bad-manifests/) must produce a violation of that rule, while the real ones
// produce none.
import { beforeAll, describe, expect, it } from 'vitest';
import { availabilityBreakers } from './bad-manifests/availability.ts';
import { configurationBreakers } from './bad-manifests/configuration.ts';
import { dependenciesBreakers } from './bad-manifests/dependencies.ts';
import { networkBreakers } from './bad-manifests/network.ts';
import { podSecurityBreakers } from './bad-manifests/pod-security.ts';
import type { Breaker } from './bad-manifests/support.ts';
import { workloadBreakers } from './bad-manifests/workload.ts';
import { allRules, violations } from './rules/index.ts';
import type { Profile } from './rules/rule.ts';
import { clone, type Manifest } from './support/manifest.ts';
import { render } from './support/render.ts';

const breakers: Record<string, Breaker[]> = {
  ...podSecurityBreakers,
  ...workloadBreakers,
  ...availabilityBreakers,
  ...configurationBreakers,
  ...networkBreakers,
  ...dependenciesBreakers,
};

const real = new Map<Profile, Manifest[]>();
beforeAll(() => {
  real.set('production', render('overlays/production'));
  real.set('dev', render('overlays/dev'));
});

it('has a breaking manifest for every rule', () => {
  expect(Object.keys(breakers).sort()).toEqual(allRules.map((rule) => rule.id).sort());
});

describe.each(allRules.map((rule) => [rule.id, rule] as const))('rule %s', (id, rule) => {
  it.each(breakers[id] ?? [])('is broken by: $why', ({ profile = 'production', breaks }) => {
    const objects = clone(real.get(profile)!);
    expect(violations(objects, profile, [rule])).toEqual([]);
    breaks(objects);
    const found = violations(objects, profile, [rule]);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((message) => message.startsWith(`${id}: `))).toBe(true);
  });
});
