// What a bad manifest is (a change to a copy of the rendered objects), and shorthands for the
// objects the changes reach into.
import type { Profile } from '../rules/rule.ts';
import { find, type Manifest } from '../support/manifest.ts';

export type Breaker = { profile?: Profile; why: string; breaks: (objects: Manifest[]) => void };

export const get = (objects: Manifest[], kind: string, name: string): Manifest => {
  const object = find(objects, kind, name);
  if (object === undefined) throw new Error(`${kind}/${name} is not rendered`);
  return object;
};
export const pod = (objects: Manifest[], kind: string, name: string) =>
  get(objects, kind, name).spec.template.spec;
export const records = (objects: Manifest[]) => pod(objects, 'Deployment', 'records').containers[0];
export const policy = (objects: Manifest[], name: string) => get(objects, 'NetworkPolicy', name).spec;
export const remove = (objects: Manifest[], kind: string, name: string) => {
  objects.splice(objects.indexOf(get(objects, kind, name)), 1);
};
