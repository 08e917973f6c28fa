/**
 * The console's in-memory view of the stored HR snapshot: persons by id, the reporting lines (manager scope), the
 * search index, and the per-person facts explain needs (employment history, disable records). Loading 10,000
 * persons per request would be far too slow, so it is built once and refreshed when older than `maxAgeMs` (another
 * process may sync) and the audit log has grown since (a sync, a hold: every change Cadre makes is audited, so an
 * unchanged last seq means unchanged data and the reload is skipped), or at once when the in-process scheduler
 * reports a finished tick. Accounts and holds of the person on screen are always read fresh from the store.
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
  /** When it was loaded or last confirmed current (ms). */
  readonly loadedAt: number;
  /** The audit log's last seq when it was loaded: every change Cadre makes to persons, identifiers, accounts and holds is audited. */
  readonly auditSeq: number;
}

/** The cached index. */
export interface PersonIndex {
  /** The current snapshot (loads or refreshes when stale; concurrent callers share one load). */
  get(): Promise<PersonSnapshot>;
  /** Bring the snapshot up to date now (reload when the audit log grew) and return it; `get` does this in the background. */
  refresh(): Promise<PersonSnapshot>;
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
      // The seq first: a change landing during the load makes the next check reload again.
      const auditSeq = (await store.audit.last())?.seq ?? 0;
      const [persons, reservations, history, disabled] = await Promise.all([store.persons.all(), store.reservations.all(), store.periods.all(), store.accounts.disabled()]);
      const snapshot: PersonSnapshot = {
        byId: new Map(persons.map((p) => [p.id, p])), reports: reportsIndex(persons), search: buildSearchIndex(persons, reservations),
        history, disabled, loadedAt: opts.now(), auditSeq,
      };
      // An invalidation while loading means the data may already be newer: keep it stale so the next get reloads.
      current = gen === generation ? snapshot : { ...snapshot, loadedAt: -Infinity };
      scopes = new Map();
      return snapshot;
    })().finally(() => { loading = undefined; });
    return loading;
  };
  let checking: Promise<void> | undefined;
  // Old enough to look again: reload (in the background) only when the audit log grew.
  const check = (snap: PersonSnapshot): Promise<void> => (checking ??= (async () => {
    const seq = (await store.audit.last())?.seq ?? 0;
    if (current !== snap) return;
    if (seq === snap.auditSeq) current = { ...snap, loadedAt: opts.now() };
    else await load();
  })().catch(() => undefined).finally(() => { checking = undefined; }));
  const get = async (): Promise<PersonSnapshot> => {
    const snap = current;
    if (snap && opts.now() - snap.loadedAt < maxAge) return snap;
    // A stale snapshot keeps answering while it is checked (requests never queue behind a reload).
    if (snap && snap.loadedAt !== -Infinity) {
      void check(snap);
      return snap;
    }
    return load();
  };
  return {
    get,
    async refresh() {
      if (!current || current.loadedAt === -Infinity) return load();
      await check(current);
      return current;
    },
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
