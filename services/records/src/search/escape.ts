// Search value escaping (R4 search 3.1.1.1.6): `\,` `\|` `\$` `\\` stand for the bare characters.

/**
 * Splits on an unescaped separator. With `unescaping`, escapes become the bare character; without
 * it they are kept for a later split (values are split on ',' before tokens on '|').
 */
export function splitEscaped(text: string, separator: string, unescaping: boolean): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      current += unescaping ? text[++i] : `${char}${text[++i]}`;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** Removes the escapes of a value that needs no further splitting. */
export function unescapeValue(text: string): string {
  return splitEscaped(text, '\u0000', true).join('\u0000');
}

/** Escapes `%`, `_` and `\` for a LIKE pattern (default escape character `\`). */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}
