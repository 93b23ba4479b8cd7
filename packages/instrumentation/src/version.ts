// Instrumentation scope name and version (STYLE.md rule 13). A test checks them against package.json.
export const PACKAGE_NAME = '@secmon/instrumentation';
export const PACKAGE_VERSION = '0.1.0';
