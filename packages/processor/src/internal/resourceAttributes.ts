import type { Attributes } from '@opentelemetry/api';

/** The parts of an SDK `Resource` read here (structural, so no dependency on `@opentelemetry/resources`). */
interface ResourceLike {
  readonly asyncAttributesPending?: boolean;
  readonly attributes: Attributes;
  getRawAttributes(): readonly (readonly [string, unknown])[];
}

const pendingSnapshots = new WeakMap<object, Attributes>();

/**
 * A record's resource attributes for the rules (group-by `service.name`...). While async resource detectors
 * (NodeSDK's host/process detectors) have not settled, the SDK's `attributes` getter logs a `diag.error` and
 * rebuilds the object on every read; instead the attributes already known are read once per resource through
 * the public `getRawAttributes()` and cached until the resource settles, when the SDK's memoized object is used.
 */
export function resourceAttributes(resource: ResourceLike): Attributes {
  if (resource.asyncAttributesPending !== true) return resource.attributes;
  let snapshot = pendingSnapshots.get(resource);
  if (snapshot === undefined) {
    snapshot = {};
    for (const [key, value] of resource.getRawAttributes()) {
      if (value === undefined || value === null) continue;
      if (typeof (value as { then?: unknown }).then === 'function') continue; // still pending: unknown for now
      snapshot[key] = value as Attributes[string];
    }
    pendingSnapshots.set(resource, snapshot);
  }
  return snapshot;
}
