// @healthlane/client: the typed client for the platform's APIs and the transports it runs over.
export { withBearerToken } from './bearer-transport.ts';
export type {
  ForwardRequest,
  ForwardResponse,
  HttpTransport,
  HttpTransportOptions,
} from './http-transport.ts';
export { createHttpTransport } from './http-transport.ts';
export type { HealthReport, PlatformClient } from './platform-client.ts';
export { createPlatformClient } from './platform-client.ts';
export type { ClientCredentials, TokenSource, TokenSourceOptions } from './token-source.ts';
export { createTokenSource, refreshAt, TokenRequestError } from './token-source.ts';
export type { HttpMethod, PeerRequest, PeerResponse, PeerTransport } from './transport.ts';
export type { TransportErrorKind } from './transport-error.ts';
export { TransportError, toTransportError } from './transport-error.ts';
