// Validates built-in Kubernetes objects twice: against the OpenAPI schemas compiled into
// `kubernetes-models` (types, formats, required fields), and strictly — unknown fields refused —
// by type-checking each object as a TypeScript object literal against the same package's type
// declarations, where every nested literal gets TypeScript's excess-property check.
import { join } from 'node:path';
import ts from 'typescript';
import type { Manifest } from './manifest.ts';
import { repoRoot } from './render.ts';

export interface SchemaProblem {
  object: string;
  message: string;
}

/** apiVersion → the kubernetes-models module holding its kinds ('v1' → 'kubernetes-models/v1'). */
export function modelModule(apiVersion: string): string {
  return `kubernetes-models/${apiVersion}`;
}

const builtInGroups = new Set([
  'v1',
  'apps/v1',
  'batch/v1',
  'policy/v1',
  'autoscaling/v2',
  'networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1',
]);

export function isBuiltIn(object: Manifest): boolean {
  return builtInGroups.has(object.apiVersion);
}

/** Schema validation by kubernetes-models (`Model.validate()` throws on the first bad object). */
export async function validateWithModels(objects: readonly Manifest[]): Promise<SchemaProblem[]> {
  const problems: SchemaProblem[] = [];
  for (const object of objects.filter(isBuiltIn)) {
    const name = `${object.kind}/${object.metadata?.name}`;
    const module = (await import(modelModule(object.apiVersion))) as Record<string, unknown>;
    const Model = module[object.kind] as (new (data: unknown) => { validate(): void }) | undefined;
    if (Model === undefined) {
      problems.push({ object: name, message: `no schema for ${object.apiVersion} ${object.kind}` });
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push({ object: name, message: (error as Error).message });
    }
  }
  return problems;
}

let previousProgram: ts.Program | undefined;
/** Declaration files parsed once per process (kubernetes-models, TypeScript's lib). */
const parsedDeclarations = new Map<string, ts.SourceFile>();

/**
 * The strict pass: one virtual TypeScript module declaring each object as a constant of its
 * kubernetes-models interface; every compiler diagnostic is a problem (unknown field, wrong
 * type, missing required field).
 */
export function validateStrictly(
  objects: readonly Manifest[],
  describe: (object: Manifest) => string = (object) => `${object.kind}/${object.metadata?.name}`,
): SchemaProblem[] {
  const builtIn = objects.filter(isBuiltIn);
  const chunks: string[] = [];
  const starts: { line: number; object: string }[] = [];
  let line = 0;
  builtIn.forEach((object, index) => {
    // The kind's own declaration file: the compiler then reads only the types that kind uses.
    chunks.push(
      `import type { I${object.kind} as T${index} } from '${modelModule(object.apiVersion)}/${object.kind}';`,
    );
    line += 1;
  });
  builtIn.forEach((object, index) => {
    const chunk = `export const object${index}: T${index} = ${JSON.stringify(object, null, 1)};`;
    starts.push({ line, object: describe(object) });
    chunks.push(chunk);
    line += chunk.split('\n').length;
  });
  const source = chunks.join('\n');
  const fileName = join(repoRoot, 'deploy/test/.strict-manifests.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (path) => (path === fileName ? source : readFile(path));
  host.fileExists = (path) => path === fileName || fileExists(path);
  host.getSourceFile = (path, language, onError) => {
    if (path === fileName) return ts.createSourceFile(path, source, language);
    let parsed = parsedDeclarations.get(path);
    if (parsed === undefined) {
      parsed = getSourceFile(path, language, onError);
      if (parsed !== undefined) parsedDeclarations.set(path, parsed);
    }
    return parsed;
  };
  // Reusing the previous program keeps the parsed declaration files: later passes are quick.
  const program = ts.createProgram([fileName], options, host, previousProgram);
  previousProgram = program;
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()];
  return diagnostics.map((diagnostic) => {
    const line =
      diagnostic.file && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line
        : -1;
    const owner = starts.findLast((start) => start.line <= line);
    return {
      object: owner?.object ?? '(module)',
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, ' '),
    };
  });
}
