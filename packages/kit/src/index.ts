// @healthlane/kit public API: what every service and the CLI build on.
export { env, type LogLevel } from './config/env-types.ts';
export { type HostConfig, hostConfig } from './config/host-config.ts';
export {
  ConfigError,
  type ConfigOf,
  type ConfigProblem,
  type ConfigSchemas,
  type Environment,
  loadConfig,
  redactUrlCredentials,
} from './config/load-config.ts';
export { type ClassifiedError, classifyError } from './errors/from-error.ts';
export {
  type Issue,
  type IssueSeverity,
  type IssueType,
  isProblem,
  type OperationOutcome,
  Problem,
  type ProblemKind,
  type ProblemOptions,
  problemKindForStatus,
  problemStatus,
  toOperationOutcome,
} from './errors/problem.ts';
export {
  type GracefulShutdownOptions,
  type ShutdownStep,
  shutDownGracefully,
} from './health/graceful-shutdown.ts';
export {
  type CheckState,
  Health,
  type HealthOptions,
  type ReadinessCheck,
  type ReadinessReport,
} from './health/health.ts';
export { type RunUntilSignalledOptions, runUntilSignalled } from './health/run-until-signalled.ts';
export { createInProcessPeers } from './host/peers.ts';
export { runHost } from './host/run-host.ts';
export { type AnyServiceDefinition, type Host, type HostOptions, startHost } from './host/start-host.ts';
export { createHttpApp, type HttpAppOptions } from './http/create-http-app.ts';
export { fhirJson } from './http/error-replies.ts';
export { requestIdHeader } from './http/request-id.ts';
export { requestContext, withRequestContext } from './http/request-observer.ts';
export { createLogger, type Logger, type LoggerOptions } from './logging/logger.ts';
export { isSensitiveKey, redacted, scrub } from './logging/redaction.ts';
export { createMetrics, type Metrics, unmatchedRoute } from './metrics/metrics.ts';
export type {
  Clock,
  PeerRequest,
  PeerResponse,
  PeerTransport,
  ServiceContext,
  ServiceDefinition,
  ServiceInstance,
} from './service.ts';
export { traceHeaders } from './tracing/trace-headers.ts';
export { initTracing, type Tracing, type TracingOptions } from './tracing/tracing.ts';
