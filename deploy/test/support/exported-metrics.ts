// Which Prometheus metric names exist — those the HealthLane code registers (found in the sources
// of packages/ and services/), the kit registry's own (process metrics, HTTP histogram), and the
// external exporters' listed in deploy/observability/external-metrics.yaml — and a PromQL scanner
// that lists the metric names an expression reads.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetrics } from '@healthlane/kit';
import { parse } from 'yaml';
import { repoRoot } from './render.ts';

const registration =
  /new\s+(Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\(\s*\{\s*name:\s*['"]([a-zA-Z_:][a-zA-Z0-9_:]*)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The series names a metric of this type exposes. */
function seriesNames(name: string, type: string): string[] {
  if (type === 'Histogram' || type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'Summary' || type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

/** Metrics registered with `new Counter|Gauge|Histogram|Summary({ name: ... })` in packages/*\/src and services/*\/src. */
export function codeMetrics(): Map<string, string> {
  const found = new Map<string, string>();
  for (const top of ['packages', 'services']) {
    for (const unit of readdirSync(join(repoRoot, top), { withFileTypes: true })) {
      if (!unit.isDirectory()) continue;
      const src = join(repoRoot, top, unit.name, 'src');
      let files: string[];
      try {
        files = sourceFiles(src);
      } catch {
        continue;
      }
      for (const file of files) {
        for (const match of readFileSync(file, 'utf8').matchAll(registration)) {
          for (const series of seriesNames(match[2]!, match[1]!))
            found.set(series, file.slice(repoRoot.length));
        }
      }
    }
  }
  return found;
}

/** What the kit's registry holds before any service adds to it: process metrics and the HTTP histogram. */
export async function kitMetrics(): Promise<Set<string>> {
  const metrics = await createMetrics().registry.getMetricsAsJSON();
  return new Set(metrics.flatMap((metric) => seriesNames(metric.name, String(metric.type))));
}

export interface ExternalSource {
  source: string;
  image?: string;
  kind?: string;
  metrics: string[];
}

export function externalMetrics(): Record<string, ExternalSource> {
  return parse(readFileSync(join(repoRoot, 'deploy/observability/external-metrics.yaml'), 'utf8'));
}

const keywords = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/** Metric (and recording rule) names a PromQL expression reads; Grafana variables are ignored. */
export function metricNames(expression: string): Set<string> {
  const stripped = expression
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const token = match[0];
    const after = stripped.slice(match.index + token.length).trimStart();
    const before = stripped.slice(0, match.index);
    if (after.startsWith('(') || keywords.has(token.toLowerCase())) continue;
    if (/[0-9.]$/.test(before)) continue; // a duration or number suffix such as 5m or 1e3
    names.add(token);
  }
  return names;
}
