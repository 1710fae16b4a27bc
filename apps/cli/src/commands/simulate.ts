// `healthlane simulate`: bedside monitors for N simulated patients, sending vitals to a running
// HealthLane over HTTP, WebSocket or MQTT in a chosen clinical scenario, for a bounded time.
import {
  type CliAuth,
  credentialArgs,
  credentialHelp,
  credentialOptions,
  resolveCliAuth,
} from '../auth/cli-credentials.ts';
import { type Command, parseCommandArgs, usageLine } from '../command.ts';
import { runSimulation } from '../simulate/run-simulation.ts';
import { type Scenario, scenarios } from '../simulate/scenarios.ts';
import { type TransportName, transports } from '../simulate/transports.ts';
import { UsageError } from '../usage-error.ts';

function durationMs(value: string, help: string): number {
  const match = /^(\d+)(ms|s|m)?$/.exec(value.trim());
  const amount = match
    ? Number(match[1]) * ({ ms: 1, s: 1000, m: 60_000 }[match[2] ?? 's'] ?? 1000)
    : Number.NaN;
  if (!Number.isFinite(amount) || amount < 1 || amount > 86_400_000)
    throw new UsageError('--duration must be like 30s, 5m (at most a day)', usageLine(help));
  return amount;
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'drive simulated bedside monitors (vitals over HTTP, WebSocket or MQTT)',
  help: `Usage: healthlane simulate [options]

Creates N simulated patients, each with a bedside monitor (a FHIR Device assigned to the patient
and located in a ward), in a running HealthLane, then sends their vitals at the given rate
(respiratory rate, SpO2, blood pressure, heart rate, temperature, ACVPU, air/oxygen) until the
duration ends or Ctrl-C. Watch the ward live at ws://<host>/monitoring/v1/live?ward=<ward>.

Options:
  --url <url>            where HealthLane listens (default http://127.0.0.1:8080)
  --patients <n>         beds to simulate, 1–20000 (default 10)
  --rate <r>hz           readings per bed per second, 0.1hz–10hz (default 1hz)
  --scenario <name>      ${scenarios.join(' | ')} (default stable)
  --transport <name>     ${transports.join(' | ')} (default http)
  --duration <time>      how long to run, e.g. 30s, 10m (default 60s)
  --ward <id>            Location id the devices are placed in (default sim-ward)
  --mqtt-url <url>       broker for --transport mqtt (default mqtt://127.0.0.1:1883)
  --mqtt-prefix <p>      topic prefix, as MONITORING_MQTT_TOPIC_PREFIX (default healthlane)
  --seed <n>             random seed, for reproducible runs (default 1)
${credentialHelp}

Scenarios: stable (normal vitals), sepsis (slow deterioration over the run), hypoxia (sudden SpO2
fall), dropout (a third of the devices go silent for half the run), garbage (invalid samples and
malformed messages mixed in, which the service refuses with reasons).

Exit codes: 0 done, 1 the service could not be reached or refused setup, 2 invalid usage.`,
  async run({ args, env }) {
    const { values } = parseCommandArgs(
      this,
      args,
      {
        url: { type: 'string' },
        patients: { type: 'string' },
        rate: { type: 'string' },
        scenario: { type: 'string' },
        transport: { type: 'string' },
        duration: { type: 'string' },
        ward: { type: 'string' },
        'mqtt-url': { type: 'string' },
        'mqtt-prefix': { type: 'string' },
        seed: { type: 'string' },
        ...credentialArgs,
      },
      { max: 0 },
    );
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const url = (values.url ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]/.test(url))
      throw new UsageError('--url must be an http(s) URL', usageLine(this.help));
    const patients = Number(values.patients ?? '10');
    if (!Number.isInteger(patients) || patients < 1 || patients > 20_000)
      throw new UsageError('--patients must be 1–20000', usageLine(this.help));
    const rate = /^(\d+(?:\.\d+)?)\s*hz$/i.exec(values.rate ?? '1hz');
    const rateHz = rate ? Number(rate[1]) : Number.NaN;
    if (!(rateHz >= 0.1 && rateHz <= 10))
      throw new UsageError('--rate must be like 1hz (0.1hz–10hz)', usageLine(this.help));
    const scenario = (values.scenario ?? 'stable') as Scenario;
    if (!scenarios.includes(scenario))
      throw new UsageError(`--scenario must be one of ${scenarios.join(', ')}`, usageLine(this.help));
    const transport = (values.transport ?? 'http') as TransportName;
    if (!transports.includes(transport))
      throw new UsageError(`--transport must be one of ${transports.join(', ')}`, usageLine(this.help));
    const ward = values.ward ?? 'sim-ward';
    if (!/^[A-Za-z0-9\-.]{1,64}$/.test(ward))
      throw new UsageError('--ward must be a FHIR id', usageLine(this.help));
    const seed = Number(values.seed ?? '1');
    if (!Number.isInteger(seed)) throw new UsageError('--seed must be a whole number', usageLine(this.help));

    const duration = durationMs(values.duration ?? '60s', this.help);
    let auth: CliAuth;
    try {
      auth = await resolveCliAuth(credentialOptions(values), env, url);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error), usageLine(this.help));
    }
    // One headers object the senders read at each request; a timer keeps its token current (the
    // source refreshes it before expiry). WebSocket and MQTT connections authenticate once.
    const headers: Record<string, string> = {};
    const token = auth.token;
    if (token) headers.authorization = `Bearer ${await token()}`;
    const refresher = token
      ? setInterval(() => {
          token().then(
            (current) => {
              headers.authorization = `Bearer ${current}`;
            },
            () => {},
          );
        }, 15_000)
      : undefined;
    refresher?.unref();
    const controller = new AbortController();
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
      process.stderr.write('\nsimulate: stopping (Ctrl-C again to quit now)\n');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const summary = await runSimulation({
        url,
        patients,
        rateHz,
        scenario,
        transport,
        durationMs: duration,
        ward,
        mqttUrl: values['mqtt-url'] ?? 'mqtt://127.0.0.1:1883',
        mqttPrefix: values['mqtt-prefix'] ?? 'healthlane',
        seed,
        headers,
        signal: controller.signal,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      console.log(
        `simulate: run ${summary.runId}, ${summary.ticks} ticks in ${(summary.elapsedMs / 1000).toFixed(1)} s` +
          ` (${summary.lateTicks} late): ${summary.accepted} samples acknowledged, ${summary.refusedSamples} samples` +
          ` and ${summary.refusedMessages} messages refused, ${summary.failed} failed`,
      );
      return 0;
    } finally {
      clearInterval(refresher);
      await auth.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
