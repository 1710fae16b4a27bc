// Every manifest rule, and the runner that applies them to a rendered set.
import type { Manifest } from '../support/manifest.ts';
import { availabilityRules } from './availability.ts';
import { configurationRules } from './configuration.ts';
import { dependencyRules } from './dependencies.ts';
import { networkRules } from './network.ts';
import { podSecurityRules } from './pod-security.ts';
import type { Profile, Rule } from './rule.ts';
import { workloadRules } from './workload.ts';

export const allRules: Rule[] = [
  ...podSecurityRules,
  ...workloadRules,
  ...availabilityRules,
  ...configurationRules,
  ...networkRules,
  ...dependencyRules,
];

export function violations(objects: Manifest[], profile: Profile, rules: Rule[] = allRules): string[] {
  const namespace = objects.find((object) => object.kind === 'Namespace')?.metadata.name ?? 'healthlane';
  return rules.flatMap((rule) =>
    rule.check({ objects, profile, namespace }).map((message) => `${rule.id}: ${message}`),
  );
}
