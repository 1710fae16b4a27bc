// What SQL generation threads through: the parameter list ($1, $2, ... in push order), the base
// URL absolute references are recognized against, the clock for `ap`, and fresh alias names.
export interface SqlContext {
  params: unknown[];
  /** e.g. http://host/fhir/R4 — `subject=http://host/fhir/R4/Patient/1` means Patient/1. */
  baseUrl: string;
  now: Date;
  aliases: number;
}

export function newSqlContext(baseUrl: string, now: Date): SqlContext {
  return { params: [], baseUrl, now, aliases: 0 };
}

/** Adds a parameter and returns its placeholder, cast when a type is given. */
export function bind(ctx: SqlContext, value: unknown, cast?: string): string {
  const placeholder = `$${ctx.params.push(value)}`;
  return cast === undefined ? placeholder : `${placeholder}::${cast}`;
}

export function alias(ctx: SqlContext, prefix: string): string {
  ctx.aliases += 1;
  return `${prefix}${ctx.aliases}`;
}
