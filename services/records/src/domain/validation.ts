// Turns the FHIR validator's issues into the write's verdict: any error or fatal issue refuses it —
// 422 when a profile or business rule is violated, 400 for content that is simply invalid
// (the split the FHIR R4 http page makes).
import { type Issue, type IssueType, Problem } from '@healthlane/kit';
import { type ValidationIssue, validateResource } from './fhir-model.ts';

/** Issue codes that mean "well-formed, but not acceptable here" (422) rather than "invalid content" (400). */
const unprocessableCodes = new Set(['business-rule', 'processing']);

export function toIssue(issue: ValidationIssue): Issue {
  const expression = issue.expression ?? [];
  return {
    severity: issue.severity,
    code: issue.code as IssueType,
    diagnostics: issue.diagnostics,
    ...(expression.length > 0 ? { expression: [...expression] } : {}),
  };
}

export function isBlocking(issue: ValidationIssue): boolean {
  return issue.severity === 'error' || issue.severity === 'fatal';
}

/** The validator's issues for `resource` (of `type`). */
export function validationIssues(resource: unknown, type: string): ValidationIssue[] {
  return validateResource(resource, { resourceType: type });
}

/** Throws a 400/422 Problem carrying every issue when any of them blocks the write. */
export function assertValid(resource: unknown, type: string): void {
  const issues = validationIssues(resource, type);
  const blocking = issues.filter(isBlocking);
  if (blocking.length === 0) return;
  const unprocessable = blocking.every((issue) => unprocessableCodes.has(issue.code));
  const options = { issues: issues.map(toIssue) };
  throw unprocessable
    ? Problem.unprocessable('The resource violates a profile or business rule', options)
    : Problem.invalid('The resource is not valid', options);
}
