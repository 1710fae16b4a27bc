// Renders a Kustomize directory with `kubectl kustomize` and parses the multi-document YAML.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { Manifest } from './manifest.ts';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The kustomizations CI renders: the base and every overlay. */
export const kustomizations = ['base', 'overlays/dev', 'overlays/production'] as const;
export type Kustomization = (typeof kustomizations)[number];

export function render(kustomization: Kustomization): Manifest[] {
  const output = execFileSync('kubectl', ['kustomize', `deploy/k8s/${kustomization}`], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseManifests(output);
}

/** Every document of a YAML stream; a syntax error or a non-object document throws. */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(document.errors.map((e) => e.message).join('; '));
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return [];
    if (typeof value !== 'object' || Array.isArray(value))
      throw new Error('a YAML document is not an object');
    return [value as Manifest];
  });
}
