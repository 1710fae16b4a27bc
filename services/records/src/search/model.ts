// The parsed form of a FHIR search: criteria (ANDed; each ORs its values), chains and reverse
// chains, and the result parameters (_count, _sort, _include, _total, ...).
import type { SearchParamDefinition } from '@healthlane/fhir';

/**
 * A parameter answered without a SearchParameter expression: from the resource row itself (`_id`,
 * `_lastUpdated`), the text index (`_content`, `_text`) or a List's items (`_list`).
 */
export type RowParam = '_id' | '_lastUpdated' | '_content' | '_text' | '_list';

export type Criterion =
  | {
      kind: 'param';
      /** The resource type the parameter belongs to. */
      type: string;
      param: SearchParamDefinition | RowParam;
      modifier: string | undefined;
      /** ORed values, escapes intact (each kind splits them further). */
      values: string[];
    }
  | {
      /** `ref:Target.next` — resources whose reference `ref` points at a Target matching `next`. */
      kind: 'chain';
      type: string;
      ref: SearchParamDefinition;
      targetTypes: string[];
      /** One criterion per target type (the chained name resolves per type). */
      next: Criterion[];
    }
  | {
      /** A `_filter` expression: its comparisons joined with and/or, or one negated. */
      kind: 'filter';
      type: string;
      op: 'and' | 'or' | 'not';
      parts: Criterion[];
    }
  | {
      /** `_has:Source:ref:next` — resources some Source points at through `ref`, where Source matches `next`. */
      kind: 'has';
      type: string;
      sourceType: string;
      ref: SearchParamDefinition;
      next: Criterion;
    };

export interface SortKey {
  param: SearchParamDefinition | RowParam;
  descending: boolean;
}

export interface IncludeSpec {
  /** The resource type holding the reference. */
  sourceType: string;
  /** Reference parameters to follow (all of them for `*`). */
  params: SearchParamDefinition[];
  /** Only targets of this type. */
  targetType: string | undefined;
  iterate: boolean;
}

export type TotalMode = 'none' | 'estimate' | 'accurate';
export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';

export interface SearchRequest {
  /** The types searched (one for a type search; `_type` or every type for a system search). */
  types: string[];
  criteria: Criterion[];
  count: number;
  sort: SortKey[];
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
  summary: SummaryMode | undefined;
  elements: string[] | undefined;
  total: TotalMode | undefined;
  /** The keyset cursor of the page asked for, as issued in a link. */
  cursor: string | undefined;
  /** Parameters ignored under `Prefer: handling=lenient`, for the Bundle's warning outcome. */
  warnings: string[];
  /** The criteria and result parameters as given, re-encoded for self/next/prev links (no cursor). */
  linkQuery: string;
}
