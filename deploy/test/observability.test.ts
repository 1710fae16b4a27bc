// deploy/observability is checked offline: promtool checks and unit-tests the alert rules (and
// the scrape configuration as far as Debian's promtool can), the Grafana dashboards are well
// formed, the dashboards, rules and autoscaling read only metrics that exist, and the Fluent Bit
// configuration ships only the HealthLane namespace with bounded labels.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { codeMetrics, externalMetrics, kitMetrics, metricNames } from './support/exported-metrics.ts';
import type { Manifest } from './support/manifest.ts';
import { render, repoRoot } from './support/render.ts';

const observability = join(repoRoot, 'deploy/observability');
const prometheusDir = join(observability, 'prometheus');
const dashboardDir = join(observability, 'grafana/dashboards');
const ruleFiles = readdirSync(join(prometheusDir, 'rules')).filter((name) => name.endsWith('.rules.yml'));
const ruleTests = readdirSync(join(prometheusDir, 'tests')).filter((name) => name.endsWith('.test.yml'));
/** The Grafana variable every panel's data source refers to (a literal, not a template string). */
const datasourceVariable = ['$', '{datasource}'].join('');
const dashboards = readdirSync(dashboardDir).filter((name) => name.endsWith('.json'));

/** promtool from Debian's prometheus package; its absence fails the tests (.ci/run installs it). */
function promtool(args: string[], cwd = prometheusDir) {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (result.error)
    throw new Error(`promtool is not installed (apt-get install prometheus): ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// biome-ignore lint/suspicious/noExplicitAny: rule and dashboard files are free-form JSON/YAML
type Json = any;
const rules = (): Json[] =>
  ruleFiles.flatMap((file) =>
    parse(readFileSync(join(prometheusDir, 'rules', file), 'utf8')).groups.flatMap(
      (group: Json) => group.rules,
    ),
  );
const dashboard = (file: string): Json => JSON.parse(readFileSync(join(dashboardDir, file), 'utf8'));
const panels = (board: Json): Json[] =>
  board.panels.flatMap((panel: Json) => [panel, ...(panel.panels ?? [])]);

let scratch: string;
let production: Manifest[];
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'healthlane-observability-'));
  production = render('overlays/production');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Prometheus rules (promtool)', () => {
  it('promtool is installed', () => {
    expect(promtool(['--version']).status).toBe(0);
  });

  it('promtool check rules accepts every rule file', () => {
    const result = promtool(['check', 'rules', ...ruleFiles.map((file) => `rules/${file}`)]);
    expect(result.output).not.toContain('FAILED');
    expect(result.status).toBe(0);
  });

  it('promtool test rules passes every rule unit test', () => {
    const result = promtool(['test', 'rules', ...ruleTests.map((file) => `tests/${file}`)]);
    expect(result.output).not.toContain('FAILED');
    expect(result.status).toBe(0);
  });

  it('promtool refuses a broken rule and a wrong expectation', () => {
    writeFileSync(
      join(scratch, 'broken.rules.yml'),
      'groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: sum(rate(foo[5m]) > \n',
    );
    expect(promtool(['check', 'rules', join(scratch, 'broken.rules.yml')]).status).not.toBe(0);
    const test = readFileSync(join(prometheusDir, 'tests/platform.test.yml'), 'utf8')
      .replace('../rules/platform.rules.yml', join(prometheusDir, 'rules/platform.rules.yml'))
      .replace(
        'exp_labels: { service: records, severity: page }',
        'exp_labels: { service: records, severity: ticket }',
      );
    writeFileSync(join(scratch, 'wrong.test.yml'), test);
    expect(promtool(['test', 'rules', join(scratch, 'wrong.test.yml')]).status).not.toBe(0);
  });

  it('every alert has a severity, a summary and a runbook', () => {
    for (const rule of rules().filter((entry) => entry.alert)) {
      expect(['page', 'ticket'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.runbook, rule.alert).toBeTruthy();
    }
  });

  it('covers SLO burn on errors and latency, outbox lag, NATS consumer lag, audit write failures', () => {
    const alerts = rules().flatMap((rule) => (rule.alert ? [rule.alert] : []));
    for (const name of [
      'AvailabilityBudgetBurnFast',
      'AvailabilityBudgetBurnSlow',
      'LatencyBudgetBurnFast',
      'LatencyBudgetBurnSlow',
      'OutboxNotDraining',
      'NatsConsumerLag',
      'AuditWriteFailures',
      'VitalsDurableWriteSlow',
    ]) {
      expect(alerts).toContain(name);
    }
  });
});

describe('Prometheus scrape configuration', () => {
  it('passes promtool check config with Kubernetes discovery stood in for by static targets', () => {
    // Debian's promtool is built without Kubernetes service discovery, so the kubernetes_sd_configs
    // blocks are swapped for static targets; everything else (relabelling, rule files) is checked.
    const config = parse(readFileSync(join(prometheusDir, 'prometheus.yml'), 'utf8'));
    for (const job of config.scrape_configs) {
      expect(job.kubernetes_sd_configs, job.job_name).toBeDefined();
      delete job.kubernetes_sd_configs;
      job.static_configs = [{ targets: ['127.0.0.1:8080'] }];
    }
    cpSync(join(prometheusDir, 'rules'), join(scratch, 'rules'), { recursive: true });
    writeFileSync(join(scratch, 'prometheus.yml'), JSON.stringify(config));
    const result = promtool(['check', 'config', 'prometheus.yml'], scratch);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});

describe('Grafana dashboards', () => {
  it.each(dashboards)('%s has a stable uid, a datasource variable used by every panel', (file) => {
    const board = dashboard(file);
    expect(board.uid).toBe(file.replace(/\.json$/, ''));
    const variable = board.templating.list.find((entry: Json) => entry.type === 'datasource');
    expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus' });
    const ids = new Set<number>();
    for (const panel of panels(board)) {
      expect(ids.has(panel.id), `panel id ${panel.id}`).toBe(false);
      ids.add(panel.id);
      if (panel.type === 'row') continue;
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: datasourceVariable });
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) expect(target.datasource.uid).toBe(datasourceVariable);
    }
  });

  it('has queries that parse as PromQL (promtool checks them as recording rules)', () => {
    // Grafana's variables become literals first: $service a service name, $__rate_interval 1m.
    const expressions = dashboards.flatMap((file) =>
      panels(dashboard(file)).flatMap((panel) =>
        (panel.targets ?? []).map((target: Json) => target.expr as string),
      ),
    );
    const adapter = parse(readFileSync(join(observability, 'prometheus-adapter/config.yaml'), 'utf8'));
    for (const rule of adapter.rules) {
      expressions.push(
        String(rule.metricsQuery)
          .replaceAll('<<.Series>>', /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rule.seriesQuery)![0])
          .replaceAll('<<.LabelMatchers>>', 'namespace="healthlane"')
          .replaceAll('<<.GroupBy>>', 'pod'),
      );
    }
    const literal = (expr: string) =>
      expr.replaceAll('$__rate_interval', '1m').replaceAll('$service', 'records');
    const file = join(scratch, 'dashboard-queries.rules.yml');
    writeFileSync(
      file,
      JSON.stringify({
        groups: [
          {
            name: 'queries',
            rules: expressions.map((expr, index) => ({ record: `query:${index}`, expr: literal(expr) })),
          },
        ],
      }),
    );
    const result = promtool(['check', 'rules', file]);
    expect(result.output).toContain(`SUCCESS: ${expressions.length} rules found`);
    writeFileSync(
      file,
      JSON.stringify({ groups: [{ name: 'q', rules: [{ record: 'q', expr: 'sum(rate(x[1m])' }] }] }),
    );
    expect(promtool(['check', 'rules', file]).status).not.toBe(0);
  });

  it('shows rate, errors and duration per service, monitoring ingest, and alerts', () => {
    const titles = dashboards.flatMap((file) => panels(dashboard(file)).map((panel) => panel.title));
    for (const title of [
      'Requests per second by route',
      'Error ratio (5xx)',
      'Duration p50 / p95 / p99',
      'Samples per second by outcome',
      'Alert state changes per minute by severity',
    ]) {
      expect(titles).toContain(title);
    }
  });
});

describe('metrics that dashboards, rules and autoscaling read', () => {
  const known = async () => {
    const recorded = rules().flatMap((rule) => (rule.record ? [rule.record] : []));
    const external = Object.values(externalMetrics()).flatMap((source) => source.metrics);
    return new Set([...codeMetrics().keys(), ...(await kitMetrics()), ...external, ...recorded]);
  };

  it('finds metric names in PromQL, and not functions, labels, keywords or variables', () => {
    expect([
      ...metricNames(
        'histogram_quantile(0.99, sum by (le, route) (rate(a_seconds_bucket{service="$service",route!~"/x"}[$__rate_interval]))) / on (service) b:c:rate5m > 14.4 * 0.001 and d offset 5m',
      ),
    ]).toEqual(['a_seconds_bucket', 'b:c:rate5m', 'd']);
  });

  it('reads from the code the metrics the services register', () => {
    const code = codeMetrics();
    for (const name of [
      'records_outbox_pending',
      'audit_append_failures_total',
      'monitoring_sample_flush_seconds_bucket',
    ]) {
      expect(code.has(name), name).toBe(true);
    }
  });

  it('every alert and recording rule reads only known metrics', async () => {
    const names = await known();
    const unknown = rules().flatMap((rule) => [...metricNames(rule.expr)].filter((name) => !names.has(name)));
    expect(unknown).toEqual([]);
  });

  it('every dashboard query reads only known metrics', async () => {
    const names = await known();
    const unknown = dashboards.flatMap((file) => {
      const board = dashboard(file);
      const queries = [
        ...panels(board).flatMap((panel) => (panel.targets ?? []).map((target: Json) => target.expr)),
        ...board.templating.list.flatMap((entry: Json) =>
          entry.type === 'query' ? [entry.query.query.replace(/^label_values\((.*),\s*\w+\)$/, '$1')] : [],
        ),
      ];
      return queries.flatMap((query) =>
        [...metricNames(query)].filter((name) => !names.has(name)).map((name) => `${file}: ${name}`),
      );
    });
    expect(unknown).toEqual([]);
  });

  it('would flag a metric nobody exports', async () => {
    const names = await known();
    expect(
      [...metricNames('rate(monitoring_pager_delivery_seconds_count[5m])')].filter(
        (name) => !names.has(name),
      ),
    ).toEqual(['monitoring_pager_delivery_seconds_count']);
  });

  it('takes external metrics only from exporters the production overlay deploys', () => {
    const images = production.flatMap((object) =>
      (object.spec?.template?.spec?.containers ?? []).map((container: Json) => container.image as string),
    );
    for (const [name, source] of Object.entries(externalMetrics())) {
      if (source.image)
        expect(
          images.some((image) => image.startsWith(`${source.image}:`)),
          name,
        ).toBe(true);
      if (source.kind)
        expect(
          production.some((object) => object.kind === source.kind),
          name,
        ).toBe(true);
    }
  });

  it('serves every custom HPA metric through prometheus-adapter from an exported metric', () => {
    const adapter = parse(readFileSync(join(observability, 'prometheus-adapter/config.yaml'), 'utf8'));
    const served = new Map<string, string>(
      adapter.rules.map((rule: Json) => [
        rule.name.as,
        /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(rule.seriesQuery)![1]!,
      ]),
    );
    const custom = production
      .filter((object) => object.kind === 'HorizontalPodAutoscaler')
      .flatMap((hpa) =>
        hpa.spec.metrics
          .filter((metric: Json) => metric.type === 'Pods')
          .map((metric: Json) => metric.pods.metric.name),
      );
    expect(custom.length).toBeGreaterThan(0);
    const code = codeMetrics();
    for (const name of custom) {
      expect(served.has(name), name).toBe(true);
      expect(code.has(served.get(name)!), served.get(name)).toBe(true);
    }
  });
});

describe('Fluent Bit', () => {
  const config = () => parse(readFileSync(join(observability, 'fluent-bit/fluent-bit.yaml'), 'utf8'));

  it('tails only the healthlane namespace and lifts the JSON log line into the record', () => {
    const [input] = config().pipeline.inputs;
    expect(input.name).toBe('tail');
    expect(input.path).toBe('/var/log/containers/*_healthlane_*.log');
    const kubernetes = config().pipeline.filters.find((filter: Json) => filter.name === 'kubernetes');
    expect(String(kubernetes.merge_log)).toMatch(/^(on|true)$/);
  });

  it('labels Loki streams only with bounded, non-identifying keys', () => {
    const output = config().pipeline.outputs.find((entry: Json) => entry.name === 'loki');
    const keys = String(output.labels)
      .split(',')
      .map((pair) => pair.split('=')[0]!.trim());
    expect(keys.sort()).toEqual(['container', 'level', 'namespace', 'service']);
  });
});

it('renders with kubectl (the tests above need it too)', () => {
  expect(execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' })).toContain(
    'Kustomize Version: v5',
  );
});
