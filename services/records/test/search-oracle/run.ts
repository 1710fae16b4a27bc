// One oracle run: read back what the server stores, generate the queries for the checked types,
// ask the server each of them and compare with the oracle, then build the report.

import { definitions } from '@healthlane/fhir';
import type { SearchClient } from './client.ts';
import { type Outcome, runQuery } from './compare.ts';
import { type GenerateOptions, parameterQueries, random, relationQueries } from './generate.ts';
import { readBack } from './load.ts';
import { oracleParameters, SearchOracle } from './oracle.ts';
import type { OracleQuery } from './query.ts';
import { buildReport, type OracleReport } from './report.ts';

export interface OracleRunOptions extends GenerateOptions {
  types: readonly string[];
  /** `_count` sent with every query; undefined: the server's default page size. */
  pageSize?: number;
  now: number;
  /** Called every 200 queries. */
  progress?: (done: number, total: number) => void;
}

export interface OracleRun {
  report: OracleReport;
  results: Array<{ query: OracleQuery; outcome: Outcome }>;
  resources: number;
  queries: number;
}

/** Whether the server takes `_count` on a search at all (sending it otherwise would fail every query). */
export async function probePageSize(client: SearchClient, wanted: number): Promise<number | undefined> {
  const reply = await client.request('GET', `/fhir/R4/Patient?_count=${wanted}`);
  return reply.status === 200 ? wanted : undefined;
}

export function generateQueries(oracle: SearchOracle, options: OracleRunOptions): OracleQuery[] {
  const next = random(options.seed);
  const queries: OracleQuery[] = [];
  for (const type of options.types) {
    for (const parameter of oracleParameters(type))
      queries.push(...parameterQueries(oracle, type, parameter, options, next));
    queries.push(...relationQueries(oracle, type, options, next));
  }
  return queries;
}

export async function runOracle(client: SearchClient, options: OracleRunOptions): Promise<OracleRun> {
  const { resources, base } = await readBack(client);
  const oracle = new SearchOracle(resources, base, options.now);
  const queries = generateQueries(oracle, options);
  const results: OracleRun['results'] = [];
  for (const query of queries) {
    const expected = oracle.expected(query);
    results.push({ query, outcome: await runQuery(client, query, expected, options.pageSize) });
    if (results.length % 200 === 0) options.progress?.(results.length, queries.length);
  }
  const notCheckable: Record<string, string[]> = {};
  for (const type of options.types) {
    notCheckable[type] = definitions()
      .searchParameters(type)
      .filter((sp) => sp.expression === undefined)
      .map((sp) => sp.code);
  }
  return {
    report: buildReport(results, notCheckable),
    results,
    resources: resources.length,
    queries: queries.length,
  };
}
