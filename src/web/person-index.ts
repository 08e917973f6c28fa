/**
 * The console's in-memory view of the stored HR snapshot: persons by id and the reporting lines (manager scope).
 * Loading 10,000 persons per request would be far too slow, so it is built once and refreshed when it is older
 * than `maxAgeMs` (another process may sync) or when the in-process scheduler reports a finished tick.
 */
import type { Person } from '../core/model.js';
import { managerScope, reportsIndex } from '../core/roles.js';
import type { Store } from '../store/types.js';

/** One snapshot of the index. */
export interface PersonSnapshot {
  readonly byId: ReadonlyMap<string, Person>;
  readonly reports: ReadonlyMap<string, readonly string[]>;
  /** When it was loaded (ms). */
  readonly loadedAt: number;
}

/** The cached index. */
export interface PersonIndex {
  /** The current snapshot (loads or refreshes when stale; concurrent callers share one load). */
  get(): Promise<PersonSnapshot>;
  /** Mark stale: the next `get` reloads. */
  invalidate(): void;
  /** The ids a manager (by their person id) may see. */
  scopeOf(managerPersonId: string): Promise<ReadonlySet<string>>;
}

/** An index over a store. */
export function createPersonIndex(store: Store, opts: { readonly now: () => number; readonly maxAgeMs?: number }): PersonIndex {
  const maxAge = opts.maxAgeMs ?? 10_000;
  let current: PersonSnapshot | undefined;
  let loading: Promise<PersonSnapshot> | undefined;
  let generation = 0;
  const scopes = new Map<string, ReadonlySet<string>>();
  const load = (): Promise<PersonSnapshot> => {
    if (loading) return loading;
    const gen = generation;
    loading = (async () => {
      const persons = await store.persons.all();
      const snapshot: PersonSnapshot = { byId: new Map(persons.map((p) => [p.id, p])), reports: reportsIndex(persons), loadedAt: opts.now() };
      // An invalidation while loading means the data may already be newer: keep it stale so the next get reloads.
      current = gen === generation ? snapshot : { ...snapshot, loadedAt: -Infinity };
      scopes.clear();
      return snapshot;
    })().finally(() => { loading = undefined; });
    return loading;
  };
  const get = async (): Promise<PersonSnapshot> => {
    if (current && opts.now() - current.loadedAt < maxAge) return current;
    return load();
  };
  return {
    get,
    invalidate() {
      generation += 1;
      if (current) current = { ...current, loadedAt: -Infinity };
    },
    async scopeOf(managerPersonId) {
      const snap = await get();
      let scope = scopes.get(managerPersonId);
      if (!scope) {
        scope = managerScope(managerPersonId, snap.reports);
        scopes.set(managerPersonId, scope);
      }
      return scope;
    },
  };
}
