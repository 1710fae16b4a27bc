// Subject syntax shared by both adapters: validation, and the NATS wildcard matcher the in-process bus
// uses (as a regular expression that JavaScript and PostgreSQL read the same way).

const tokenPattern = /^[^\s.*>]+$/;

/** Throws unless `subject` is a concrete subject: dot-separated, non-empty tokens, no wildcards. */
export function assertSubject(subject: string): void {
  if (!subject.split('.').every((token) => tokenPattern.test(token))) {
    throw new TypeError(`invalid subject '${subject}': expected dot-separated tokens without wildcards`);
  }
}

/** Throws unless `filter` is a valid filter: tokens, '*' for one token, '>' as the last token only. */
export function assertFilter(filter: string): void {
  const tokens = filter.split('.');
  const valid = tokens.every(
    (token, index) =>
      tokenPattern.test(token) || token === '*' || (token === '>' && index === tokens.length - 1),
  );
  if (!valid) {
    throw new TypeError(`invalid subject filter '${filter}': '*' and '>' must be whole tokens, '>' last`);
  }
}

const regexSpecials = /[\\^$.|?*+()[\]{}]/g;

/**
 * An anchored regular expression source matching exactly the subjects `filter` selects. It uses only
 * syntax with the same meaning in JavaScript and PostgreSQL's `~` operator.
 */
export function filterPattern(filter: string): string {
  assertFilter(filter);
  const parts = filter.split('.').map((token) => {
    if (token === '*') return '[^.]+';
    if (token === '>') return '.+';
    return token.replace(regexSpecials, '\\$&');
  });
  return `^${parts.join('\\.')}$`;
}

/** True when `subject` is selected by `filter`. */
export function subjectMatches(filter: string, subject: string): boolean {
  return new RegExp(filterPattern(filter)).test(subject);
}

const groupPattern = /^[A-Za-z0-9_-]+$/;

/** Group names become NATS durable consumer names, so they keep to letters, digits, '_' and '-'. */
export function assertGroupName(group: string): void {
  if (!groupPattern.test(group)) {
    throw new TypeError(`invalid group '${group}': use letters, digits, '_' and '-'`);
  }
}
