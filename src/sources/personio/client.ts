/**
 * Personio v1 source client: full paged reads with consistency checks, `updated_since` deltas,
 * single reads and write-back.
 */
import type { PersonioSourceConfig } from '../../config/schema.js';
import type { Person, PersonProblem, Snapshot } from '../../core/model.js';
import { PersonioError } from './errors.js';
import { createTransport, errorMessage } from './http.js';
import type { PersonioClientDeps } from './http.js';
import { mapEmployee, mapEmployees } from './mapping.js';
import { isRecord, rawId } from './raw.js';

export type { PersonioClientDeps, PersonioLogger } from './http.js';

/** Fields PATCH /v1/company/employees/{id} accepts (others are silently ignored by Personio). */
export const WRITABLE_FIELDS: ReadonlySet<string> = new Set([
  'first_name', 'last_name', 'preferred_name', 'gender', 'position', 'subcompany', 'department', 'office',
  'hire_date', 'weekly_working_hours', 'status', 'supervisor_id',
]);
const DYNAMIC = /^dynamic_\d+$/;
const MAX_PAGE = 100;

/** The Personio source client returned by {@link createPersonioClient}. */
export interface PersonioClient {
  /** Reads every employee page by page. `complete` is false when paging was inconsistent. */
  fetchAll(onProgress?: (read: number, total: number) => void): Promise<Snapshot>;
  /** Employees changed since the instant/date (`updated_since`; the API ignores limit/offset then). */
  fetchChanged(sinceIso: string): Promise<{ persons: Person[]; problems: PersonProblem[] }>;
  /** One employee; `undefined` when Personio does not know the id. Throws PERSONIO_INVALID_RECORD-like errors for unusable records. */
  fetchOne(id: string): Promise<Person | undefined>;
  /**
   * Write-back. v1: `PATCH /v1/company/employees/{id}`, `dynamic_NNN` keys (or their aliases) go to `custom_attributes`,
   * `email` is rejected (read-only in v1). v2: `PATCH /v2/persons/{id}` (custom attributes and `email`).
   */
  updateEmployee(id: string, fields: Record<string, string | null>): Promise<void>;
  /** Authenticate and read one employee (`cadre validate --live`): the number of employees the API reports. */
  probe(): Promise<{ total: number | undefined }>;
  /** Employment periods the source knows besides the current one (v2: the other employments), by person id. */
  history?(): Readonly<Record<string, readonly import('../../core/periods.js').KnownPeriod[]>>;
  /** Counters for diagnostics and tests. */
  readonly stats: { readonly authCalls: number; readonly requests: number };
}

interface PageBody {
  data: unknown[];
  total?: number;
  totalPages?: number;
  currentPage?: number;
  limit?: number;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Reads a list body; `undefined` when it is not a success body with a `data` array. */
function readPage(body: unknown): PageBody | undefined {
  if (!isRecord(body) || body.success !== true || !Array.isArray(body.data)) return undefined;
  const meta = isRecord(body.metadata) ? body.metadata : {};
  return {
    data: body.data,
    total: num(meta.total_elements),
    totalPages: num(meta.total_pages),
    currentPage: num(meta.current_page),
    limit: num(body.limit),
  };
}

function describeBody(body: unknown): string {
  const msg = errorMessage(body);
  if (msg) return `Personio answered success=false: ${msg}`;
  return 'Personio answered a body without a data list';
}

/**
 * Creates the Personio v1 client. `cfg.clientId` / `cfg.clientSecret` must already be resolved.
 * @param deps.log logger (pino-compatible); never receives secrets or tokens.
 */
export function createPersonioClient(cfg: PersonioSourceConfig, deps: PersonioClientDeps): PersonioClient {
  const http = createTransport(cfg, deps);
  const aliases = cfg.customAttributes ?? {};
  const pageSize = Math.max(1, Math.min(MAX_PAGE, cfg.pageSize ?? MAX_PAGE));
  const log = deps.log;

  async function fetchAll(onProgress?: (read: number, total: number) => void): Promise<Snapshot> {
    const raws: unknown[] = [];
    const seen = new Set<string>();
    const reasons: string[] = [];
    const note = (r: string): void => {
      if (reasons.length < 5) reasons.push(r);
      log.warn({ reason: r }, 'Personio paging is inconsistent');
    };
    let reportedTotal: number | undefined;
    let totalPages: number | undefined;
    let step = pageSize;
    let offset = 0;
    let read = 0;

    for (let page = 0; ; page++) {
      const query = new URLSearchParams({ limit: String(pageSize), offset: String(offset) });
      const { body } = await http.call('GET', '/v1/company/employees', { query });
      const p = readPage(body);
      if (!p) {
        note(`page ${page}: ${describeBody(body)}`);
        break;
      }
      if (page === 0) {
        reportedTotal = p.total;
        totalPages = p.totalPages;
        if (reportedTotal === undefined || totalPages === undefined) note('the response has no paging metadata (total_elements / total_pages)');
        // A server that pages with a smaller limit than asked for must still be walked without gaps.
        if (p.limit !== undefined && p.limit > 0 && p.limit < pageSize) step = p.limit;
      } else {
        if (p.total !== reportedTotal) note(`total_elements changed from ${reportedTotal} to ${p.total} during the read (page ${page})`);
        if (p.totalPages !== totalPages) note(`total_pages changed from ${totalPages} to ${p.totalPages} during the read (page ${page})`);
      }
      if (p.currentPage !== undefined && p.currentPage !== page) note(`asked for page ${page}, got current_page ${p.currentPage}`);

      for (const raw of p.data) {
        read++;
        const id = rawId(raw);
        if (id !== undefined) {
          if (seen.has(id)) {
            note(`employee id ${id} was delivered twice`);
            continue;
          }
          seen.add(id);
        }
        raws.push(raw);
      }
      onProgress?.(read, reportedTotal ?? read);
      log.debug({ page, offset, records: p.data.length }, 'Personio page read');

      const lastPage = totalPages === undefined ? p.data.length < step : page >= totalPages - 1;
      if (!lastPage && p.data.length < step) {
        note(`page ${page} held ${p.data.length} records, expected ${step} (not the last of ${totalPages} pages)`);
        if (p.data.length === 0) break; // nothing more to follow
      }
      if (lastPage) break;
      offset += step;
    }
    if (reportedTotal !== undefined && read !== reportedTotal) note(`Personio reported ${reportedTotal} employees but ${read} were delivered`);

    const { persons, problems } = mapEmployees(raws, aliases);
    if (problems.length > 0) log.warn({ count: problems.length }, 'Personio records failed validation and were skipped');
    return {
      persons,
      problems,
      reportedTotal: reportedTotal ?? read,
      complete: reasons.length === 0,
      ...(reasons.length > 0 ? { incompleteReason: reasons.join('; ') } : {}),
      readAt: new Date().toISOString(),
    };
  }

  async function fetchChanged(sinceIso: string): Promise<{ persons: Person[]; problems: PersonProblem[] }> {
    if (!/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(sinceIso)) {
      throw new PersonioError('PERSONIO_BAD_REQUEST', `updated_since '${sinceIso}' is not an ISO date or date-time`);
    }
    const { body } = await http.call('GET', '/v1/company/employees', { query: new URLSearchParams({ updated_since: sinceIso }) });
    const p = readPage(body);
    if (!p) throw new PersonioError('PERSONIO_BAD_RESPONSE', describeBody(body));
    return mapEmployees(p.data, aliases);
  }

  async function fetchOne(id: string): Promise<Person | undefined> {
    const { status, body } = await http.call('GET', `/v1/company/employees/${encodeURIComponent(id)}`, { allow404: true });
    if (status === 404) return undefined;
    if (!isRecord(body) || body.success !== true || !isRecord(body.data)) throw new PersonioError('PERSONIO_BAD_RESPONSE', describeBody(body));
    const r = mapEmployee(body.data, aliases);
    if (r.person) return r.person;
    throw new PersonioError('PERSONIO_BAD_RESPONSE', `employee ${r.problem?.label ?? id} is unusable: ${r.problem?.messages.join('; ') ?? 'unknown problem'}`);
  }

  async function updateEmployee(id: string, fields: Record<string, string | null>): Promise<void> {
    const employee: Record<string, unknown> = {};
    const custom: Record<string, string | null> = {};
    for (const [name, v] of Object.entries(fields)) {
      // A configured alias (`source.customAttributes`) names its dynamic_NNN attribute.
      const key = aliases[name] ?? name;
      if (key === 'email') {
        throw new PersonioError('PERSONIO_EMAIL_READONLY',
          'Personio does not allow changing the email address through the API (PATCH ignores it); write the address to a custom attribute (dynamic_NNN) instead');
      }
      if (DYNAMIC.test(key)) custom[key] = v;
      else if (WRITABLE_FIELDS.has(key)) employee[key] = v;
      else {
        throw new PersonioError('PERSONIO_FIELD_READONLY',
          `Personio attribute '${key}' cannot be written through the API; writable are ${[...WRITABLE_FIELDS].join(', ')} and dynamic_NNN custom attributes`);
      }
    }
    if (Object.keys(custom).length > 0) employee.custom_attributes = custom;
    if (Object.keys(employee).length === 0) return;
    const { body } = await http.call('PATCH', `/v1/company/employees/${encodeURIComponent(id)}`, { body: { employee } });
    if (!isRecord(body) || body.success !== true) throw new PersonioError('PERSONIO_BAD_RESPONSE', describeBody(body));
    // Personio ignores unknown org units with a meta error instead of failing: surface it.
    if (Array.isArray(body.meta) && body.meta.length > 0) log.warn({ id, meta: body.meta }, 'Personio accepted the update with remarks');
  }

  async function probe(): Promise<{ total: number | undefined }> {
    const { body } = await http.call('GET', '/v1/company/employees', { query: new URLSearchParams({ limit: '1', offset: '0' }) });
    const p = readPage(body);
    if (!p) throw new PersonioError('PERSONIO_BAD_RESPONSE', describeBody(body));
    return { total: p.total };
  }

  return { fetchAll, fetchChanged, fetchOne, updateEmployee, probe, stats: http.stats };
}
