// Instrumentation scope of the store's own telemetry (STYLE.md rule 13). Keep in sync with package.json
// (a test checks it).
export const PACKAGE_NAME = '@secmon/store-redis';
export const PACKAGE_VERSION = '0.1.0';
