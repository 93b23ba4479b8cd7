import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { SpanExporter } from '@opentelemetry/sdk-trace';

/**
 * OTLP exporters chosen by `OTEL_EXPORTER_OTLP_{LOGS,TRACES}_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`
 * (`http/protobuf` by default, `http/json`, `grpc`), as NodeSDK does. Endpoint, headers, timeout and
 * compression come from the standard `OTEL_EXPORTER_OTLP_*` variables, read by the exporters themselves.
 */
export function otlpLogExporterFromEnv(env: NodeJS.ProcessEnv = process.env): LogRecordExporter {
  switch (
    (env.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim()
  ) {
    case 'grpc':
      return new GrpcLogExporter();
    case 'http/json':
      return new JsonLogExporter();
    default:
      return new ProtoLogExporter();
  }
}

export function otlpTraceExporterFromEnv(env: NodeJS.ProcessEnv = process.env): SpanExporter {
  switch (
    (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim()
  ) {
    case 'grpc':
      return new GrpcTraceExporter();
    case 'http/json':
      return new JsonTraceExporter();
    default:
      return new ProtoTraceExporter();
  }
}
