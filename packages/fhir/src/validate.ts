// validateResource: every problem of a resource at once (structure, cardinality, values, bindings, invariants).
import { isResourceType } from './definitions.ts';
import { typeModel } from './element-model.ts';
import type { ValidationIssue } from './types.ts';
import { checkInvariants, isObject, report, validateChildren, type Walk } from './validate-elements.ts';

function validateResourceNode(
  issues: ValidationIssue[],
  node: unknown,
  expression: string | undefined,
  rootResource: unknown,
  expectedType: string | undefined,
): void {
  const at = expression ?? expectedType ?? 'Resource';
  const walk: Walk = {
    issues,
    scope: { resource: node, rootResource: rootResource ?? node },
    resource: (child, childExpression, contained, childType) =>
      validateResourceNode(
        issues,
        child,
        childExpression,
        contained ? (rootResource ?? node) : undefined,
        childType,
      ),
  };
  if (!isObject(node)) {
    report(walk, 'error', 'structure', 'A resource must be a JSON object', at);
    return;
  }
  const type = node.resourceType;
  if (typeof type !== 'string') {
    report(
      walk,
      'error',
      'required',
      'The resource has no resourceType (a JSON string)',
      `${at}.resourceType`,
    );
    return;
  }
  if (!isResourceType(type)) {
    report(
      walk,
      'error',
      'structure',
      'resourceType is not a concrete FHIR R4 resource type',
      `${at}.resourceType`,
    );
    return;
  }
  if (expectedType !== undefined && type !== expectedType) {
    report(walk, 'error', 'invalid', `resourceType must be ${expectedType} here`, `${at}.resourceType`);
    return;
  }
  const model = typeModel(type)!;
  const path = expression ?? type;
  validateChildren(walk, node, model.children, path, true);
  checkInvariants(walk, model.constraints, type, node, path);
}

/** All problems at once. A write is refused when any issue has severity 'error' or 'fatal'. */
export function validateResource(resource: unknown, options?: { resourceType?: string }): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  try {
    validateResourceNode(issues, resource, undefined, undefined, options?.resourceType);
  } catch {
    // A defect here must still refuse the write with a clean 4xx, never a crash.
    issues.push({
      severity: 'fatal',
      code: 'exception',
      diagnostics: 'The validator failed on this resource; it cannot be accepted',
      expression: [options?.resourceType ?? 'Resource'],
    });
  }
  return issues;
}
