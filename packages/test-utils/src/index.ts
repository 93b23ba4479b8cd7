// Public surface of @secmon/test-utils (private package). Every name is exported explicitly (STYLE.md rule 4).

export { OtlpCaptureServer } from './OtlpCaptureServer.js';
export type { OtlpCaptureServerOptions, WaitOptions } from './OtlpCaptureServer.js';
export {
  decodeExportLogsServiceRequest,
  decodeExportTraceServiceRequest,
  decodeExportMetricsServiceRequest,
  flattenLogs,
  flattenSpans,
  anyValueToJs,
  keyValuesToObject,
  idToHex,
  otlpEncodingOf,
} from './decode.js';
export type { OtlpEncoding } from './decode.js';
export type {
  CapturedLogRecord,
  CapturedSpan,
  CapturedLink,
  CapturedSpanEvent,
  CapturedScope,
  CapturedRequest,
} from './types.js';
export { requireService, serviceAvailable, commandExists } from './requireService.js';
export { describeWithServices } from './describeWithServices.js';
export type { ServiceStatus, ServiceCheck, RequireServiceOptions } from './requireService.js';
export { RedisServer, freePort } from './RedisServer.js';
export type { RedisServerOptions } from './RedisServer.js';
export { startHttpServer } from './startHttpServer.js';
export type { HttpServerBehaviour, HttpTestServer, ReceivedHttpRequest } from './startHttpServer.js';
export { startSmtpServer, smtpUnavailableReason } from './startSmtpServer.js';
export type { ReceivedMail, SmtpServerOptions, SmtpTestServer } from './startSmtpServer.js';
export { KafkaServer, KAFKA_VERSION } from './KafkaServer.js';
export type { KafkaServerOptions, KafkaRecord, KafkaTopicReader } from './KafkaServer.js';
export { seededRandom } from './seededRandom.js';
