/**
 * The simulator's in-memory company: raw Personio employees keyed by id, the org units and custom
 * attributes Personio knows, and per-attribute change times for `updated_since` + `attributes[]`.
 */
import { DEPARTMENTS, MANAGEMENT, OFFICES, SUBCOMPANIES } from '../company-data.js';
import { attributeValue, cloneEmployee, isRecord, personioInstant, rawId, setAttributeValue } from '../raw.js';
import type { RawEmployee } from '../raw.js';

/** Org unit kinds whose names PATCH/POST accept. */
export type OrgKind = 'department' | 'office' | 'subcompany' | 'team';

/** A custom attribute definition (GET /company/employees/attributes). */
export interface AttributeDef {
  readonly key: string;
  readonly label: string;
  readonly type: string;
}

/** The mutable employee store of a running simulator. */
export interface SimCompany {
  /** All employees in API order (live objects: change them through {@link SimCompany.upsert}). */
  list(): RawEmployee[];
  get(id: string): RawEmployee | undefined;
  /** Inserts or replaces an employee and bumps `last_modified_at` (and change times of changed attributes). */
  upsert(raw: unknown): RawEmployee;
  remove(id: string): boolean;
  readonly size: number;
  /** Next free numeric id. */
  nextId(): number;
  /** Org unit id by name, if Personio knows the unit. */
  orgUnitId(kind: OrgKind, name: string): number | undefined;
  /** Known custom attributes (`dynamic_NNN`). */
  customAttributes(): AttributeDef[];
  defineAttribute(def: AttributeDef): void;
  /** Latest change instant (ms) of any of `keys` for the employee; falls back to `last_modified_at`. */
  changedAt(id: string, keys?: readonly string[]): number;
}

/** Unwraps a fixture: a JSON array of `data` items or a full response object with `data`. */
export function fixtureEmployees(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  if (isRecord(json) && Array.isArray(json.data)) return json.data;
  throw new Error('fixture must be a JSON array of employees or a response object with a "data" array');
}

function asEmployee(raw: unknown): RawEmployee {
  if (!isRecord(raw) || !isRecord(raw.attributes)) throw new Error('employee must be an object with an "attributes" object');
  return { ...(raw as object), type: 'Employee', attributes: raw.attributes } as RawEmployee;
}

/** Creates the store; `now` is the simulator clock. */
export function createSimCompany(employees: readonly unknown[], now: () => Date): SimCompany {
  const byId = new Map<string, RawEmployee>();
  const changes = new Map<string, Map<string, number>>();
  const orgs: Record<OrgKind, Map<string, number>> = { department: new Map(), office: new Map(), subcompany: new Map(), team: new Map() };
  const attrs = new Map<string, AttributeDef>();
  let anonymous = 0;
  let maxId = 0;

  // Personio knows the generator's org structure even before anyone is assigned to it.
  for (const d of [MANAGEMENT, ...DEPARTMENTS]) orgs.department.set(d.name, d.id);
  for (const o of OFFICES) orgs.office.set(o.name, o.id);
  for (const s of Object.values(SUBCOMPANIES)) orgs.subcompany.set(s.name, s.id);

  const learn = (e: RawEmployee): void => {
    for (const kind of Object.keys(orgs) as OrgKind[]) {
      const v = attributeValue(e, kind);
      if (isRecord(v) && isRecord(v.attributes) && typeof v.attributes.name === 'string' && typeof v.attributes.id === 'number') {
        if (!orgs[kind].has(v.attributes.name)) orgs[kind].set(v.attributes.name, v.attributes.id);
      }
    }
    for (const [k, a] of Object.entries(e.attributes)) {
      if (/^dynamic_\d+$/.test(k) && !attrs.has(k)) attrs.set(k, { key: k, label: a?.label ?? k, type: a?.type ?? 'standard' });
    }
  };
  const keyOf = (e: RawEmployee): string => {
    const id = rawId(e);
    if (id === undefined) return `_noid_${++anonymous}`;
    const n = Number(id);
    if (Number.isSafeInteger(n) && n > maxId) maxId = n;
    return id;
  };

  const loadedAt = personioInstant(now());
  for (const raw of employees) {
    const e = asEmployee(structuredClone(raw));
    // Real Personio stamps every employee; a fixture row without a (valid) stamp counts as modified
    // when loaded, so `updated_since` returns it instead of silently never matching.
    if (Number.isNaN(Date.parse(String(attributeValue(e, 'last_modified_at') ?? '')))) setAttributeValue(e, 'last_modified_at', loadedAt);
    byId.set(keyOf(e), e);
    learn(e);
  }

  return {
    list: () => [...byId.values()],
    get: (id) => byId.get(id),
    get size() { return byId.size; },
    nextId: () => maxId + 1,
    upsert(raw) {
      const e = asEmployee(cloneEmployee(asEmployee(raw)));
      const key = keyOf(e);
      const before = byId.get(key);
      const t = now();
      const changed = changes.get(key) ?? new Map<string, number>();
      for (const k of new Set([...Object.keys(e.attributes), ...Object.keys(before?.attributes ?? {})])) {
        if (k === 'last_modified_at') continue;
        if (JSON.stringify(before?.attributes[k]?.value) !== JSON.stringify(e.attributes[k]?.value)) changed.set(k, t.getTime());
      }
      changes.set(key, changed);
      setAttributeValue(e, 'last_modified_at', personioInstant(t));
      if (!e.attributes.created_at || e.attributes.created_at.value === null) setAttributeValue(e, 'created_at', personioInstant(t));
      byId.set(key, e);
      learn(e);
      return e;
    },
    remove(id) {
      changes.delete(id);
      return byId.delete(id);
    },
    orgUnitId: (kind, name) => orgs[kind].get(name),
    customAttributes: () => [...attrs.values()],
    defineAttribute: (def) => { attrs.set(def.key, def); },
    changedAt(id, keys) {
      const e = byId.get(id);
      const modified = e ? Date.parse(String(attributeValue(e, 'last_modified_at') ?? '')) : Number.NaN;
      const fallback = Number.isNaN(modified) ? 0 : modified;
      const c = changes.get(id);
      // Change times are tracked in ms; last_modified_at only has seconds (and covers fixture data).
      if (!c || c.size === 0) return keys && keys.length > 0 && c ? 0 : fallback;
      if (!keys || keys.length === 0) return Math.max(fallback, ...c.values());
      let latest = -Infinity;
      for (const k of keys) latest = Math.max(latest, c.get(k) ?? -Infinity);
      return latest === -Infinity ? 0 : latest;
    },
  };
}
