// Test helpers: find issues by location and prove that diagnostics never echo input values.
import { expect } from 'vitest';
import type { ValidationIssue } from '../src/index.ts';

export function errorsOf(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
}

/** The single error issue at an expression, with its code. */
export function expectError(
  issues: readonly ValidationIssue[],
  code: string,
  expression: string,
): ValidationIssue {
  const found = errorsOf(issues).filter((i) => i.expression.includes(expression));
  expect(found, JSON.stringify(issues, null, 1)).toHaveLength(1);
  expect(found[0]!.code).toBe(code);
  return found[0]!;
}

/** No diagnostics may contain any of the (patient-like) values put into the resource. */
export function expectNoValueEchoed(issues: readonly ValidationIssue[], values: readonly string[]): void {
  for (const issue of issues) {
    for (const value of values) expect(issue.diagnostics).not.toContain(value);
  }
}
