// Search refusals: a 400 OperationOutcome naming the parameter (never its value, which may be
// patient data), and the lenient-mode warnings that replace it under `Prefer: handling=lenient`.
import { type IssueType, Problem } from '@healthlane/kit';

export function invalidSearch(message: string, code: IssueType = 'invalid'): Problem {
  return Problem.invalid(message, {
    issues: [{ severity: 'error', code, diagnostics: message, expression: [] }],
  });
}

export function unsupported(message: string): Problem {
  return invalidSearch(message, 'not-supported');
}

/** Parameter names are echoed only when they look like names (no values smuggled in). */
export function nameForMessage(name: string): string {
  return /^[A-Za-z0-9_\-.:]{1,100}$/.test(name) ? name : '(unprintable name)';
}
