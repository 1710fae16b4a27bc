// A fast path for the search expressions that are plain member paths (`Patient.name`,
// `Observation.subject`, `Encounter.participant.individual` — 528 of the 576 expressions of the
// resource types Synthea writes): the JSON is walked directly, typing each node with the same R4
// model maps HL7's FHIRPath engine uses (choice types, paths defined elsewhere, primitive
// extensions), so the nodes are the ones the engine would return, without its per-node wrappers and
// evaluation context. Anything else goes to the engine. test/search/member-path.test.ts proves the
// two agree on every official example.

export interface PathNode {
  data: unknown;
  fhirNodeDataType: string | null;
  path: string | null;
}

/** The parts of the fhirpath R4 model (`fhirpath/fhir-context/r4`) that type a child node. */
export interface ModelMaps {
  pathsDefinedElsewhere: Record<string, string>;
  choiceTypePaths: Record<string, string[]>;
  path2Type: Record<string, string>;
  path2TypeWithoutElements: Record<string, string>;
}

interface WalkNode extends PathNode {
  /** The sibling `_element` (id, extensions) of a primitive. */
  ext: unknown;
}

const memberPath = /^([A-Z][A-Za-z]+)((?:\.[a-z][A-Za-z0-9]*)+)$/;
/** FHIRPath words that read like members but are not (a path using them goes to the engine). */
const reserved = new Set([
  'as',
  'is',
  'and',
  'or',
  'xor',
  'implies',
  'div',
  'mod',
  'in',
  'contains',
  'true',
  'false',
]);

const isSome = (value: unknown) => value !== undefined && value !== null;

function children(model: ModelMaps, parent: WalkNode, member: string, out: WalkNode[]): void {
  const data = parent.data as Record<string, unknown> | null;
  let path = `${parent.path}.${member}`;
  path = model.pathsDefinedElsewhere[path] ?? path;
  let value: unknown;
  let ext: unknown;
  const choices = model.choiceTypePaths[path];
  if (choices) {
    for (const suffix of choices) {
      value = data?.[member + suffix];
      ext = data?.[`_${member}${suffix}`];
      if (value !== undefined || ext !== undefined) {
        path += suffix;
        break;
      }
    }
  } else {
    value = data?.[member];
    ext = data?.[`_${member}`];
    if (value === undefined && ext === undefined) {
      value = (parent.ext as Record<string, unknown> | null)?.[member];
    }
    if (member === 'extension') path = 'Extension';
  }
  const type = model.path2Type[path] ?? null;
  path = model.path2TypeWithoutElements[path] ?? path;
  if (!isSome(value) && !isSome(ext)) return;
  const node = (item: unknown, itemExt: unknown): WalkNode => {
    const resourceType = (item as { resourceType?: unknown } | null)?.resourceType;
    // A contained resource starts a path of its own, as in the engine.
    if (typeof resourceType === 'string' && resourceType !== '') {
      return { data: item, ext: itemExt ?? null, path: resourceType, fhirNodeDataType: resourceType };
    }
    return { data: item, ext: itemExt ?? null, path, fhirNodeDataType: type };
  };
  if (Array.isArray(value)) {
    const exts = Array.isArray(ext) ? ext : [];
    for (const [i, item] of value.entries()) out.push(node(item, exts[i]));
    for (let i = value.length; i < exts.length; i++) out.push(node(null, exts[i]));
    return;
  }
  if (value === undefined || value === null) {
    if (Array.isArray(ext)) {
      for (const item of ext) out.push(node(null, item));
      return;
    }
  }
  out.push(node(value ?? null, ext));
}

/** An evaluator for `expression` when it is a plain member path on `base`; undefined otherwise. */
export function memberPathEvaluator(
  base: string,
  expression: string,
  model: ModelMaps,
): ((resource: unknown) => PathNode[]) | undefined {
  const match = memberPath.exec(expression);
  if (!match || match[1] !== base) return undefined;
  const members = match[2]!.slice(1).split('.');
  if (members.some((member) => reserved.has(member))) return undefined;
  return (resource) => {
    const root = resource as { resourceType?: unknown } | null;
    if (root?.resourceType !== base) return [];
    let nodes: WalkNode[] = [{ data: resource, ext: null, path: base, fhirNodeDataType: base }];
    for (const member of members) {
      const next: WalkNode[] = [];
      for (const node of nodes) children(model, node, member, next);
      nodes = next;
      if (nodes.length === 0) return [];
    }
    return nodes.map(({ data, fhirNodeDataType, path }) => ({ data, fhirNodeDataType, path }));
  };
}
