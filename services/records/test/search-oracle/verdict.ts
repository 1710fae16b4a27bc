// Three-valued answers: where the specification leaves a choice to the server (time zone of a value
// without one, `ap`, the precision of gt/lt, `:text` prefix vs word), a resource "may" match.
export type Verdict = 'yes' | 'no' | 'may';

/** Any of several values matching makes the resource match. */
export function anyOf(verdicts: Iterable<Verdict>): Verdict {
  let result: Verdict = 'no';
  for (const verdict of verdicts) {
    if (verdict === 'yes') return 'yes';
    if (verdict === 'may') result = 'may';
  }
  return result;
}

/** All of several criteria (AND of parameters). */
export function allOf(verdicts: Iterable<Verdict>): Verdict {
  let result: Verdict = 'yes';
  for (const verdict of verdicts) {
    if (verdict === 'no') return 'no';
    if (verdict === 'may') result = 'may';
  }
  return result;
}

export function not(verdict: Verdict): Verdict {
  return verdict === 'may' ? 'may' : verdict === 'yes' ? 'no' : 'yes';
}

/** Definite when every interpretation agrees, otherwise 'may'. */
export function agreement(answers: boolean[]): Verdict {
  if (answers.every(Boolean)) return 'yes';
  if (answers.some(Boolean)) return 'may';
  return 'no';
}
