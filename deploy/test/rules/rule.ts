// The shape of a manifest rule: what requirement it enforces, which upstream check it mirrors,
// and a check over the whole rendered set (some rules relate objects to each other).
import type { Manifest } from '../support/manifest.ts';

export type Profile = 'base' | 'dev' | 'production';

export interface RuleContext {
  objects: Manifest[];
  profile: Profile;
  /** The namespace the manifests install into. */
  namespace: string;
}

export interface Rule {
  id: string;
  /** The requirement of issue #8 (or Pod Security "restricted") that the rule enforces. */
  requirement: string;
  /** The Pod Security / kube-score / kube-linter / Polaris check it mirrors, if any. */
  mirrors: string;
  /** One message per violation, each naming the object. */
  check(context: RuleContext): string[];
}
