import type { DependencyCheck } from './dependency-probes.js';

/**
 * A dependency a service needs only now and then: the schema registry, when a message names a
 * schema id that is not cached. It counts for readiness only while a use of it failed: then a
 * probe repeats that use (`recheck`), and the dependency is reachable again once it succeeds.
 * A service that never needs it, or whose last use succeeded, does not depend on it.
 */
export class NeededDependency implements DependencyCheck {
  #pending: { error: Error; recheck: () => Promise<unknown> } | undefined;

  constructor(readonly name: string) {}

  /** A use failed because the dependency is unreachable; `recheck` repeats it (and rejects while it still is). */
  failed(error: Error, recheck: () => Promise<unknown>): void {
    this.#pending = { error, recheck };
  }

  /** A use succeeded: the dependency answers. */
  succeeded(): void {
    this.#pending = undefined;
  }

  /** The error of the failed use while it is outstanding. */
  get outstanding(): Error | undefined {
    return this.#pending?.error;
  }

  async check(): Promise<void> {
    const pending = this.#pending;
    if (!pending) return;
    await pending.recheck();
    if (this.#pending === pending) this.#pending = undefined;
  }
}
