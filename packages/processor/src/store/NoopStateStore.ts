import type { StateStore, StateStoreBinding, StoreObservation } from './StateStore.js';

/**
 * The default {@link StateStore}: shares nothing. The engine detects on its own exact local state and never
 * calls `record()` (its `shared` flag is false), so it costs nothing per event.
 */
export class NoopStateStore implements StateStore {
  readonly shared = false;

  attach(_binding: StateStoreBinding): void {}

  record(_observation: StoreObservation, _binding: StateStoreBinding): void {}

  status(): 'local' {
    return 'local';
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
