// Places a failure at its Bundle entry: the OperationOutcome names `Bundle.entry[i]`, and the
// service's own expressions (`Patient.birthDate`) become `Bundle.entry[i].resource.birthDate`.
import { type Issue, Problem } from '@healthlane/kit';

function locate(expression: string, index: number, resourceType: string | undefined): string {
  const at = `Bundle.entry[${index}]`;
  if (
    resourceType !== undefined &&
    (expression === resourceType || expression.startsWith(`${resourceType}.`))
  )
    return `${at}.resource${expression.slice(resourceType.length)}`;
  if (expression.startsWith('Bundle.entry[')) return expression;
  return `${at}.${expression}`;
}

/** Rethrows anything that is not a Problem (a database fault is a 500, not the entry's fault). */
export function problemAtEntry(error: unknown, index: number, resourceType?: string): Problem {
  if (!(error instanceof Problem)) throw error;
  if (error.message.startsWith(`Bundle entry ${index}:`)) return error;
  const at = `Bundle.entry[${index}]`;
  const issues: Issue[] =
    error.issues.length > 0
      ? error.issues.map((issue) => ({
          ...issue,
          expression:
            issue.expression === undefined || issue.expression.length === 0
              ? [at]
              : issue.expression.map((one) => locate(one, index, resourceType)),
        }))
      : [{ severity: 'error', code: 'processing', diagnostics: error.message, expression: [at] }];
  return new Problem(error.kind, `Bundle entry ${index}: ${error.message}`, {
    issues,
    headers: { ...error.headers },
    cause: error,
  });
}

export function invalidAtEntry(message: string, index: number, code: Issue['code'] = 'invalid'): Problem {
  return Problem.invalid(`Bundle entry ${index}: ${message}`, {
    issues: [{ severity: 'error', code, diagnostics: message, expression: [`Bundle.entry[${index}]`] }],
  });
}
