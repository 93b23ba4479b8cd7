import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';

const tracer = trace.getTracer('express-shop');

/**
 * One server span per request, active while the request is handled, so every security event carries the
 * request's trace id and an alert's span links lead back to the requests that caused it. (A real app would
 * use @opentelemetry/instrumentation-http; this keeps the example free of module-patching hooks.)
 */
export function requestSpan(req: Request, res: Response, next: NextFunction): void {
  const span = tracer.startSpan(`${req.method}`, {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': req.method, 'url.scheme': 'http' },
  });
  res.once('finish', () => {
    const route = (req.route as { path?: unknown } | undefined)?.path;
    const routeText = typeof route === 'string' ? `${req.baseUrl}${route}` : undefined;
    if (routeText) {
      span.updateName(`${req.method} ${routeText}`);
      span.setAttribute('http.route', routeText);
    }
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(context.active(), span), next);
}
