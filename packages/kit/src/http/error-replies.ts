// Every error reply is a FHIR OperationOutcome with content type application/fhir+json, on every
// path (FHIR or not), so clients and the gateway handle one error shape. Unexpected errors are
// logged with their stack and answered with a generic 500 that carries none of their text.
import type { FastifyInstance } from 'fastify';
import { classifyError } from '../errors/from-error.ts';
import { Problem, toOperationOutcome } from '../errors/problem.ts';
import { withRequestContext } from './request-observer.ts';

export const fhirJson = 'application/fhir+json; charset=utf-8';

export function replyWithOperationOutcomes(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const { problem, unexpected } = classifyError(error);
    withRequestContext(request, () => {
      if (unexpected) request.log.error({ err: error }, 'request failed');
      else request.log.debug({ kind: problem.kind }, 'request rejected');
    });
    return reply
      .code(problem.status)
      .headers({ ...problem.headers })
      .type(fhirJson)
      .send(toOperationOutcome(problem));
  });

  app.setNotFoundHandler((_request, reply) =>
    reply
      .code(404)
      .type(fhirJson)
      .send(toOperationOutcome(Problem.notFound('No route matches the request'))),
  );
}
