/**
 * Personio v2 routes of the simulator, served from the SAME company state as v1 so both modes describe one
 * company: `/v2/auth/token`, `/v2/persons` (cursor paging, limit 1–50), employments, org units, legal entities,
 * workplaces and cost centers, and the person write (`v2-writes.ts`). Errors use Personio's problem+json shape.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { attributeValue, isRecord } from '../raw.js';
import type { RawEmployee } from '../raw.js';
import type { SimCompany } from './company.js';
import { registerV2Writes } from './v2-writes.js';
import { registerWebhooks } from './webhooks.js';
import type { SimWebhook } from './webhooks.js';

/** What the v2 routes need from the simulator. */
export interface V2Context {
  readonly company: SimCompany;
  readonly ttl: number;
  issueToken(): string;
  tokenValid(token: string): boolean;
  credentialsOk(id: string, secret: string): boolean;
  countAuth(): void;
}

const MAX = 50;
const DEFAULT = 10;

/** Personio's v2 error body. */
export function problem(reply: FastifyReply, status: number, title: string, detail: string): FastifyReply {
  return reply.code(status).type('application/problem+json').send({
    personio_trace_id: createHash('sha256').update(`${Date.now()}${Math.random()}`).digest('hex').slice(0, 16),
    timestamp: new Date().toISOString(),
    errors: [{ title, detail, type: `https://developer.personio.de/reference/errors#common.${title.toLowerCase().replace(/\s+/g, '_')}`, _meta: {} }],
  });
}

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
const unitOf = (e: RawEmployee, key: string): { id: string; name: string } | undefined => {
  const v = attributeValue(e, key);
  if (!isRecord(v) || !isRecord(v.attributes) || v.attributes.id === undefined) return undefined;
  return { id: String(v.attributes.id), name: String(v.attributes.name ?? '') };
};
const date = (v: unknown): string | null => (typeof v === 'string' && v.length >= 10 ? v.slice(0, 10) : null);
const instant = (v: unknown): string | null => {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? null : new Date(t).toISOString();
};
const V2_TYPES: Record<string, string> = { date: 'DATE', integer: 'INT', decimal: 'DOUBLE', list: 'STRING_LIST', tags: 'STRING_LIST' };

/** The employment of a v1 record (the simulator keeps one per person: the record's current one). */
export function employmentOf(e: RawEmployee): Record<string, unknown> {
  const pid = String(attributeValue(e, 'id'));
  const hire = date(attributeValue(e, 'hire_date'));
  const h = createHash('sha1').update(`${pid}|${hire ?? ''}`).digest('hex');
  const sup = attributeValue(e, 'supervisor');
  const supAttrs = isRecord(sup) && isRecord(sup.attributes) ? sup.attributes : undefined;
  const supId = supAttrs ? (isRecord(supAttrs.id) ? supAttrs.id.value : supAttrs.id) : undefined;
  const dept = unitOf(e, 'department');
  const team = unitOf(e, 'team');
  const office = unitOf(e, 'office');
  const le = unitOf(e, 'subcompany');
  const centers = attributeValue(e, 'cost_centers');
  return {
    id: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`,
    status: String(attributeValue(e, 'status') ?? 'UNSPECIFIED').toUpperCase(),
    type: str(attributeValue(e, 'employment_type'))?.toUpperCase() ?? null,
    position: { title: str(attributeValue(e, 'position')) },
    weekly_working_hours: attributeValue(e, 'weekly_working_hours') ?? null,
    employment_start_date: hire,
    employment_end_date: date(attributeValue(e, 'termination_date')),
    contract_end_date: date(attributeValue(e, 'contract_end_date')),
    probation_end_date: date(attributeValue(e, 'probation_period_end')),
    supervisor: supId === undefined || supId === null ? null : { id: String(supId) },
    office: office ? { id: office.id } : null,
    org_units: [...(dept ? [{ type: 'department', id: dept.id }] : []), ...(team ? [{ type: 'team', id: team.id }] : [])],
    cost_centers: Array.isArray(centers) ? centers.filter(isRecord).map((c) => {
      const a = isRecord(c.attributes) ? c.attributes : c;
      return { id: String(a.id), weight: typeof a.percentage === 'number' ? a.percentage : null };
    }) : [],
    legal_entity: le ? { id: le.id } : null,
    person: { id: pid },
    termination: {
      termination_date: date(attributeValue(e, 'termination_date')),
      last_working_day: date(attributeValue(e, 'last_working_day')),
      type: str(attributeValue(e, 'termination_type')),
      reason: str(attributeValue(e, 'termination_reason')),
    },
  };
}

/** The v2 person of a v1 record. */
export function personOf(e: RawEmployee, base: string): Record<string, unknown> {
  const id = String(attributeValue(e, 'id'));
  const status = String(attributeValue(e, 'status') ?? '').toLowerCase();
  const gender = str(attributeValue(e, 'gender'))?.toUpperCase() ?? 'UNSPECIFIED';
  const custom = Object.entries(e.attributes).filter(([k]) => /^dynamic_\d+$/.test(k)).map(([k, a]) => {
    const type = V2_TYPES[a?.type ?? ''] ?? 'STRING';
    const v = a?.value ?? null;
    return { id: k, label: a?.label ?? k, global_id: null, type, value: type === 'STRING_LIST' && typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter((x) => x !== '') : v };
  });
  return {
    id,
    email: str(attributeValue(e, 'email')),
    created_at: instant(attributeValue(e, 'created_at')),
    updated_at: instant(attributeValue(e, 'last_modified_at')),
    first_name: str(attributeValue(e, 'first_name')),
    last_name: str(attributeValue(e, 'last_name')),
    preferred_name: str(attributeValue(e, 'preferred_name')),
    gender: ['MALE', 'FEMALE', 'DIVERSE'].includes(gender) ? gender : 'UNSPECIFIED',
    language_code: str(attributeValue(e, 'language_code')) ?? null,
    profile_picture: { url: str(attributeValue(e, 'profile_picture')) },
    status: ['active', 'leave', 'onboarding'].includes(status) ? 'ACTIVE' : status === 'inactive' ? 'INACTIVE' : 'UNSPECIFIED',
    custom_attributes: custom,
    employments: [{ id: employmentOf(e).id }],
    _meta: { links: { employments: { href: `${base}/v2/persons/${id}/employments` } } },
  };
}

/** Registers the v2 routes on the simulator's fastify app. */
export function registerV2(app: FastifyInstance, ctx: V2Context, base: () => string): Map<string, SimWebhook> {
  const authorized = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const h = req.headers.authorization;
    const token = typeof h === 'string' ? h.replace(/^Bearer\s+/i, '').trim() : '';
    if (token && ctx.tokenValid(token)) return true;
    void problem(reply, 401, 'Unauthorized', token ? 'The access token is invalid or has expired.' : 'Missing access token.');
    return false;
  };

  /** One cursor page of `items`; answers 400 itself for a bad limit or cursor. */
  const page = <T>(req: FastifyRequest, reply: FastifyReply, path: string, items: readonly T[]): unknown => {
    const q = req.query as Record<string, unknown>;
    const lim = q.limit === undefined || q.limit === '' ? DEFAULT : /^\d+$/.test(String(q.limit)) ? Number(q.limit) : NaN;
    if (!Number.isInteger(lim) || lim < 1 || lim > MAX) return problem(reply, 400, 'Bad request', `Provided request parameters are invalid: limit must be between 1 and ${MAX}.`);
    let off = 0;
    if (typeof q.cursor === 'string' && q.cursor !== '') {
      const m = /^cur_(\d+)$/.exec(Buffer.from(q.cursor, 'base64url').toString());
      if (!m) return problem(reply, 400, 'Bad request', 'Provided request parameters are invalid: unknown cursor.');
      off = Number(m[1]);
    }
    const keep = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (k !== 'cursor' && typeof v === 'string') keep.set(k, v);
    const self = `${base()}${path}?${keep.toString()}`;
    const nextOff = off + lim;
    const links: Record<string, unknown> = { self: { href: self } };
    if (nextOff < items.length) {
      const n = new URLSearchParams(keep);
      n.set('cursor', Buffer.from(`cur_${nextOff}`).toString('base64url'));
      links.next = { href: `${base()}${path}?${n.toString()}` };
    }
    return { _data: items.slice(off, nextOff), _meta: { links } };
  };

  app.post('/v2/auth/token', async (req, reply) => {
    ctx.countAuth();
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return reply.code(400).type('application/problem+json').send({ error: 'invalid_request', error_description: 'The body must be application/x-www-form-urlencoded.' });
    }
    const b = isRecord(req.body) ? req.body : {};
    if (b.grant_type !== 'client_credentials') return reply.code(400).type('application/problem+json').send({ error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported.' });
    if (!ctx.credentialsOk(String(b.client_id ?? ''), String(b.client_secret ?? ''))) {
      return reply.code(400).type('application/problem+json').send({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    }
    return { access_token: ctx.issueToken(), token_type: 'Bearer', expires_in: ctx.ttl, scope: 'personio:persons:read personio:persons:write personio:webhooks:write' };
  });

  const employees = (): RawEmployee[] => ctx.company.list().filter((e) => attributeValue(e, 'id') !== undefined && attributeValue(e, 'id') !== null);

  app.get('/v2/persons', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    const q = req.query as Record<string, unknown>;
    let list = employees();
    if (typeof q.id === 'string' && q.id !== '') {
      const ids = new Set(q.id.split(',').map((x) => x.trim()));
      list = list.filter((e) => ids.has(String(attributeValue(e, 'id'))));
    }
    if (typeof q.email === 'string' && q.email !== '') {
      const mails = new Set(q.email.split(',').map((x) => x.trim().toLowerCase()));
      list = list.filter((e) => mails.has(String(attributeValue(e, 'email') ?? '').toLowerCase()));
    }
    const gt = q['updated_at.gt'];
    if (typeof gt === 'string' && gt !== '') {
      const t = Date.parse(gt);
      if (Number.isNaN(t)) return problem(reply, 400, 'Bad request', 'Provided request parameters are invalid: updated_at.gt.');
      list = list.filter((e) => ctx.company.changedAt(String(attributeValue(e, 'id'))) > t);
    }
    return page(req, reply, '/v2/persons', list.map((e) => personOf(e, base())));
  });

  app.get<{ Params: { id: string } }>('/v2/persons/:id/employments', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    const e = ctx.company.get(req.params.id);
    if (!e) return problem(reply, 404, 'Not found', 'The person does not exist.');
    return page(req, reply, `/v2/persons/${req.params.id}/employments`, [employmentOf(e)]);
  });

  /** Distinct units of one v1 attribute over the company. */
  const units = (key: string): { id: string; name: string }[] => {
    const m = new Map<string, string>();
    for (const e of employees()) {
      const u = unitOf(e, key);
      if (u) m.set(u.id, u.name);
    }
    return [...m].map(([id, name]) => ({ id, name }));
  };
  app.get('/v2/org-units', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    const type = String((req.query as Record<string, unknown>).type ?? '').toLowerCase();
    if (type !== 'department' && type !== 'team') return problem(reply, 400, 'Bad request', 'Provided request parameters are invalid: type must be DEPARTMENT or TEAM.');
    return page(req, reply, '/v2/org-units', units(type).map((u) => ({ ...u, type })));
  });
  app.get('/v2/legal-entities', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    return page(req, reply, '/v2/legal-entities', units('subcompany'));
  });
  app.get('/v2/workplaces', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    return page(req, reply, '/v2/workplaces', units('office'));
  });
  app.get('/v2/cost-centers', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    const m = new Map<string, string>();
    for (const e of employees()) {
      const cs = attributeValue(e, 'cost_centers');
      for (const c of Array.isArray(cs) ? cs.filter(isRecord) : []) {
        const a = isRecord(c.attributes) ? c.attributes : c;
        if (a.id !== undefined) m.set(String(a.id), String(a.name ?? a.id));
      }
    }
    return page(req, reply, '/v2/cost-centers', [...m].map(([id, name]) => ({ id, name })));
  });
  registerV2Writes(app, ctx.company, authorized);
  return registerWebhooks(app, authorized, () => new Date());
}
