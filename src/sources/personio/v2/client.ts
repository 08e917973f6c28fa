/**
 * Personio v2 source client behind the same {@link PersonioClient} interface as v1: `/v2/persons` with cursor
 * paging (limit ≤ 50), each person's employments (newest first, paged), org units, legal entities, workplaces
 * and cost centers resolved to names, all mapped to the same `Person` as v1.
 */
import type { PersonioSourceConfig } from '../../../config/schema.js';
import type { Person, PersonProblem, Snapshot } from '../../../core/model.js';
import type { EmploymentHistory, KnownPeriod } from '../../../core/periods.js';
import type { PersonioClient } from '../client.js';
import { PersonioError } from '../errors.js';
import { createTransport } from '../http.js';
import type { PersonioClientDeps } from '../http.js';
import { isRecord } from '../raw.js';
import { mapPersonV2 } from './mapping.js';
import type { V2Lookups } from './mapping.js';

/** Person fields `PATCH /v2/persons/{id}` writes besides custom attributes (developer.personio.de, "Update a Person"). */
export const V2_WRITABLE: ReadonlySet<string> = new Set(['email', 'first_name', 'last_name', 'preferred_name', 'gender', 'language_code']);
const NOT_NULLABLE: ReadonlySet<string> = new Set(['email', 'first_name', 'last_name', 'preferred_name']);
const DYNAMIC = /^dynamic_\d+$/;

/** Personio's maximum page size on `/v2/persons` and employments. */
export const V2_MAX_LIMIT = 50;

/** The v2 client: the v1 interface plus the employment periods of the last read. */
export interface PersonioV2Client extends PersonioClient {
  /** Employments that did not count, per person, from the latest reads (fed to the lifecycle as history). */
  history(): EmploymentHistory;
}

interface Page { data: Record<string, unknown>[]; next?: string }

function readPage(body: unknown, what: string): Page {
  if (!isRecord(body) || !Array.isArray(body._data)) throw new PersonioError('PERSONIO_BAD_RESPONSE', `Personio ${what} answered a body without a _data list`);
  const meta = isRecord(body._meta) ? body._meta : {};
  const links = isRecord(meta.links) ? meta.links : {};
  const next = isRecord(links.next) && typeof links.next.href === 'string' && links.next.href !== '' ? links.next.href : undefined;
  return { data: body._data.filter(isRecord), ...(next ? { next } : {}) };
}

/** Path and query of a `next` link (absolute or relative); the transport adds the configured base. */
function splitHref(href: string): { path: string; query: URLSearchParams } {
  const u = new URL(href, 'http://base.invalid');
  return { path: u.pathname, query: u.searchParams };
}

/**
 * Creates the v2 client. `cfg.clientId` / `cfg.clientSecret` must already be resolved.
 * Write-back goes through `PATCH /v2/persons/{id}` (scope `personio:persons:write`).
 */
export function createPersonioV2Client(cfg: PersonioSourceConfig, deps: PersonioClientDeps): PersonioV2Client {
  const http = createTransport(cfg, deps);
  const aliases = cfg.customAttributes ?? {};
  const limit = Math.max(1, Math.min(V2_MAX_LIMIT, cfg.pageSize ?? V2_MAX_LIMIT));
  const log = deps.log;
  const periods = new Map<string, readonly KnownPeriod[]>();

  /** Every item of a cursor-paged list, following `_meta.links.next.href` until it is absent. */
  async function all(path: string, query: URLSearchParams, opts: { allow404?: boolean } = {}): Promise<Record<string, unknown>[] | undefined> {
    const out: Record<string, unknown>[] = [];
    let req: { path: string; query: URLSearchParams } | undefined = { path, query: new URLSearchParams({ ...Object.fromEntries(query), limit: String(limit) }) };
    const seen = new Set<string>();
    while (req) {
      const key = `${req.path}?${req.query.toString()}`;
      if (seen.has(key)) throw new PersonioError('PERSONIO_BAD_RESPONSE', `Personio ${path} sent the same next link twice`);
      seen.add(key);
      const { status, body } = await http.call('GET', req.path, { query: req.query, ...(opts.allow404 ? { allow404: true } : {}) });
      if (status === 404) return undefined;
      const page = readPage(body, path);
      out.push(...page.data);
      req = page.next ? splitHref(page.next) : undefined;
    }
    return out;
  }

  const names = (items: readonly Record<string, unknown>[] | undefined): Map<string, string> => new Map((items ?? [])
    .filter((x) => x.id !== undefined && typeof x.name === 'string').map((x) => [String(x.id), String(x.name)]));

  async function lookups(): Promise<V2Lookups> {
    const orgUnits = new Map<string, { name: string; type: string }>();
    // Personio lists one org unit type per call.
    for (const type of ['department', 'team']) {
      const units = await all('/v2/org-units', new URLSearchParams({ type }), { allow404: true });
      for (const u of units ?? []) if (u.id !== undefined && typeof u.name === 'string') orgUnits.set(String(u.id), { name: u.name, type });
    }
    const legalEntities = names(await all('/v2/legal-entities', new URLSearchParams(), { allow404: true }));
    const offices = await all('/v2/workplaces', new URLSearchParams(), { allow404: true });
    if (offices === undefined) log.warn({}, 'Personio v2 offers no workplace names here; offices carry their id only');
    const costCenters = names(await all('/v2/cost-centers', new URLSearchParams(), { allow404: true }));
    return { orgUnits, legalEntities, offices: names(offices), costCenters };
  }

  async function employmentsOf(personId: string): Promise<Record<string, unknown>[]> {
    return (await all(`/v2/persons/${encodeURIComponent(personId)}/employments`, new URLSearchParams())) ?? [];
  }

  async function mapAll(raws: readonly Record<string, unknown>[], lk: V2Lookups): Promise<{ persons: Person[]; problems: PersonProblem[] }> {
    const persons: Person[] = [];
    const problems: PersonProblem[] = [];
    for (const raw of raws) {
      const id = raw.id === undefined || raw.id === null ? undefined : String(raw.id);
      const emps = id === undefined ? [] : await employmentsOf(id);
      const r = mapPersonV2(raw, emps, lk, aliases);
      if (id !== undefined) periods.set(id, r.periods);
      if (r.person) persons.push(r.person);
      else if (r.problem) problems.push(r.problem);
    }
    if (problems.length > 0) log.warn({ count: problems.length }, 'Personio records failed validation and were skipped');
    return { persons, problems };
  }

  async function fetchAll(onProgress?: (read: number, total: number) => void): Promise<Snapshot> {
    const lk = await lookups();
    const raws = (await all('/v2/persons', new URLSearchParams())) ?? [];
    const ids = new Set<string>();
    const reasons: string[] = [];
    const unique = raws.filter((r) => {
      const id = String(r.id ?? '');
      if (id !== '' && ids.has(id)) {
        if (reasons.length < 5) reasons.push(`person id ${id} was delivered twice`);
        return false;
      }
      ids.add(id);
      return true;
    });
    onProgress?.(unique.length, unique.length);
    periods.clear();
    const { persons, problems } = await mapAll(unique, lk);
    return {
      persons, problems, reportedTotal: unique.length, complete: reasons.length === 0,
      ...(reasons.length > 0 ? { incompleteReason: reasons.join('; ') } : {}),
      readAt: new Date().toISOString(),
    };
  }

  async function fetchChanged(sinceIso: string): Promise<{ persons: Person[]; problems: PersonProblem[] }> {
    const t = Date.parse(/([zZ]|[+-]\d{2}:?\d{2})$/.test(sinceIso) || /^\d{4}-\d{2}-\d{2}$/.test(sinceIso) ? sinceIso : `${sinceIso}Z`);
    if (Number.isNaN(t)) throw new PersonioError('PERSONIO_BAD_REQUEST', `updated_at '${sinceIso}' is not an ISO date or date-time`);
    // `updated_at.gt` is exclusive; one millisecond earlier keeps the v1 (inclusive) meaning.
    const raws = (await all('/v2/persons', new URLSearchParams({ 'updated_at.gt': new Date(t - 1).toISOString() }))) ?? [];
    return mapAll(raws, await lookups());
  }

  async function fetchOne(id: string): Promise<Person | undefined> {
    const raws = (await all('/v2/persons', new URLSearchParams({ id }))) ?? [];
    const raw = raws.find((r) => String(r.id) === id);
    if (!raw) return undefined;
    const { persons, problems } = await mapAll([raw], await lookups());
    if (persons[0]) return persons[0];
    throw new PersonioError('PERSONIO_BAD_RESPONSE', `person ${problems[0]?.label ?? id} is unusable: ${problems[0]?.messages.join('; ') ?? 'unknown problem'}`);
  }

  async function updateEmployee(id: string, fields: Record<string, string | null>): Promise<void> {
    // PATCH /v2/persons/{id} (scope personio:persons:write) takes email, names, gender, language_code and
    // custom_attributes [{id, value}]; it answers 204. Unlike v1, the e-mail address is writable here.
    const body: Record<string, unknown> = {};
    const custom: { id: string; value: string | null }[] = [];
    for (const [name, v] of Object.entries(fields)) {
      const key = aliases[name] ?? name;
      if (DYNAMIC.test(key)) custom.push({ id: key, value: v });
      else if (V2_WRITABLE.has(key)) {
        if (v === null && NOT_NULLABLE.has(key)) throw new PersonioError('PERSONIO_VALIDATION', `Personio v2 cannot clear '${key}' of person ${id}`);
        body[key] = v;
      } else {
        throw new PersonioError('PERSONIO_FIELD_READONLY',
          `Personio attribute '${key}' cannot be written through PATCH /v2/persons; writable are ${[...V2_WRITABLE].join(', ')} and dynamic_NNN custom attributes`);
      }
    }
    if (custom.length > 0) body.custom_attributes = custom;
    if (Object.keys(body).length === 0) return;
    await http.call('PATCH', `/v2/persons/${encodeURIComponent(id)}`, { body });
  }

  async function probe(): Promise<{ total: number | undefined }> {
    const { body } = await http.call('GET', '/v2/persons', { query: new URLSearchParams({ limit: '1' }) });
    readPage(body, '/v2/persons');
    return { total: undefined };
  }

  const history = (): EmploymentHistory => Object.fromEntries([...periods].filter(([, p]) => p.length > 0));
  return { fetchAll, fetchChanged, fetchOne, updateEmployee, probe, history, stats: http.stats };
}
