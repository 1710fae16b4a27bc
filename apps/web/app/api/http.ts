// Calls the platform's HTTP APIs from the console: adds the bearer token, retries once after a
// refresh when the API answers 401, and turns OperationOutcome / problem answers into ApiError.

export interface Authorizer {
  authorization(): Promise<string | undefined>;
  refreshNow(): Promise<boolean>;
}

export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface Api {
  json<T>(path: string, init?: RequestInit): Promise<T>;
}

export function createApi(session: Authorizer, fetcher: typeof fetch = fetch): Api {
  async function send(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has('accept')) headers.set('accept', 'application/fhir+json, application/json');
    const authorization = await session.authorization();
    if (authorization) headers.set('authorization', authorization);
    return fetcher(path, { ...init, headers });
  }

  return {
    async json<T>(path: string, init: RequestInit = {}): Promise<T> {
      let response = await send(path, init);
      if (response.status === 401 && (await session.refreshNow())) response = await send(path, init);
      if (!response.ok) throw new ApiError(response.status, await describeFailure(response));
      if (response.status === 204) return undefined as T;
      return (await response.json()) as T;
    },
  };
}

/** The human text of an OperationOutcome or RFC 9457 problem, else the status line. */
async function describeFailure(response: Response): Promise<string> {
  const body = (await response.json().catch(() => undefined)) as
    | {
        issue?: Array<{ diagnostics?: string; details?: { text?: string } }>;
        detail?: string;
        title?: string;
      }
    | undefined;
  const issue = body?.issue?.[0];
  const text = issue?.diagnostics ?? issue?.details?.text ?? body?.detail ?? body?.title;
  if (response.status === 401) return 'You are not signed in, or your session has ended';
  if (response.status === 403) return text ?? 'You do not have access to this';
  return text ?? `The platform answered ${response.status}`;
}
