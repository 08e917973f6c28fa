/**
 * The console's in-memory view of the stored HR snapshot: persons by id, the reporting lines (manager scope), the
 * search index, and the per-person facts explain needs (employment history, disable records). Loading 10,000
 * persons per request would be far too slow, so it is built once and refreshed when older than `maxAgeMs` (another
 * process may sync) or when the in-process scheduler reports a finished tick. Accounts and holds of the person on
 * screen are always read fresh from the store.
 */
import type { DisableRecord, Person } from '../core/model.js';
import type { EmploymentHistory } from '../core/periods.js';
import { buildSearchIndex, type SearchEntry } from '../core/person-search.js';
import { managerScope, reportsIndex } from '../core/roles.js';
import type { Store } from '../store/types.js';

/** One snapshot of the index. */
export interface PersonSnapshot {
  readonly byId: ReadonlyMap<string, Person>;
  readonly reports: ReadonlyMap<string, readonly string[]>;
  readonly search: readonly SearchEntry[];
  readonly history: EmploymentHistory;
  readonly disabled: readonly DisableRecord[];
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
  let scopes = new Map<string, ReadonlySet<string>>();
  const load = (): Promise<PersonSnapshot> => {
    if (loading) return loading;
    const gen = generation;
    loading = (async () => {
      const [persons, reservations, history, disabled] = await Promise.all([store.persons.all(), store.reservations.all(), store.periods.all(), store.accounts.disabled()]);
      const snapshot: PersonSnapshot = {
        byId: new Map(persons.map((p) => [p.id, p])), reports: reportsIndex(persons), search: buildSearchIndex(persons, reservations),
        history, disabled, loadedAt: opts.now(),
      };
      // An invalidation while loading means the data may already be newer: keep it stale so the next get reloads.
      current = gen === generation ? snapshot : { ...snapshot, loadedAt: -Infinity };
      scopes = new Map();
      return snapshot;
    })().finally(() => { loading = undefined; });
    return loading;
  };
  const get = async (): Promise<PersonSnapshot> => {
    if (current && opts.now() - current.loadedAt < maxAge) return current;
    // A stale snapshot keeps answering while the new one loads (requests never queue behind a reload).
    if (current && current.loadedAt !== -Infinity) {
      void load().catch(() => undefined);
      return current;
    }
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
