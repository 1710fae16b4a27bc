// The tracer for a process that exports no spans: it only mints span contexts (continuing an incoming
// trace id and its sampled flag, else starting a sampled trace) so logs and outgoing `traceparent`
// headers still join traces, without the SDK's cost of recording names, attributes and times.
import {
  type Context,
  context,
  isSpanContextValid,
  type Span,
  type SpanOptions,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base';

const ids = new RandomIdGenerator();

function startSpan(_name: string, options: SpanOptions = {}, parentContext = context.active()): Span {
  const parent = options.root ? undefined : trace.getSpanContext(parentContext);
  const continued = parent !== undefined && isSpanContextValid(parent);
  return trace.wrapSpanContext({
    traceId: continued ? parent.traceId : ids.generateTraceId(),
    spanId: ids.generateSpanId(),
    // Sampled by default, as the SDK's default sampler decides for a new trace.
    traceFlags: continued ? parent.traceFlags : TraceFlags.SAMPLED,
  });
}

type ActiveFn<F> = (span: Span) => F;

function startActiveSpan<F>(name: string, ...rest: unknown[]): F {
  const fn = rest.pop() as ActiveFn<F>;
  const [options, parentContext] = rest as [SpanOptions | undefined, Context | undefined];
  const parent = parentContext ?? context.active();
  const span = startSpan(name, options, parent);
  return context.with(trace.setSpan(parent, span), fn, undefined, span);
}

const tracer = { startSpan, startActiveSpan } as Tracer;

export const propagatingTracerProvider: TracerProvider = {
  getTracer: () => tracer,
};
