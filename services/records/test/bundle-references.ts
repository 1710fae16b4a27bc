// Reference integrity for tests: every literal `Type/id` reference must name a stored resource.
type Resource = { resourceType: string; id: string };

function collect(value: unknown, out: string[]): void {
  if (Array.isArray(value)) for (const item of value) collect(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string') out.push(child);
      else collect(child, out);
    }
  }
}

/** `Type/id` references (contained `#x` ones excepted) whose target is not in `known`. */
export function danglingReferences(resources: readonly Resource[], known: ReadonlySet<string>): string[] {
  const dangling: string[] = [];
  for (const resource of resources) {
    const references: string[] = [];
    collect(resource, references);
    for (const reference of references) {
      if (reference.startsWith('#')) continue;
      const literal = reference.replace(/\/_history\/.*$/, '');
      if (!known.has(literal)) dangling.push(`${resource.resourceType} -> ${literal.split('/')[0]}`);
    }
  }
  return dangling;
}
