/** Name and version of this package (scope name of the alert telemetry `secmon serve` emits). */
export const PACKAGE_NAME = '@secmon/cli';
export const PACKAGE_VERSION = '0.1.0';
