/**
 * The audit log viewer (auditor and admin): `GET /audit` with filters and keyset paging, the chain's verification
 * state at the top (cached, see src/audit/monitor.ts), `POST /audit/verify` for a full walk, and the exports
 * `GET /audit/export.csv|json` with the same filters, streamed from the store. An export is itself audited
 * (`web.audit.exported`: who, which filter, how many rows, whether the download completed).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditExportChunks, type AuditExportCounter } from '../../audit/export.js';
import { createChainMonitor } from '../../audit/monitor.js';
import { AuditCursorError, queryAudit } from '../../audit/query.js';
import type { AuditFilter } from '../../store/types.js';
import { nextPath } from '../auth/session.js';
import type { Principal, WebContext } from '../context.js';
import type { Translate } from '../i18n/index.js';
import { auditPage, type AuditFormValues } from '../views/audit.js';
import { endOfDay, isCalendarDate, localDateTime, startOfDay } from '../views/local-time.js';

/** Suggestions for the action field: the event families Cadre writes. */
const EVENTS = ['op', 'op.done', 'op.failed', 'op.skipped', 'plan', 'plan.blocked', 'plan.approved', 'run', 'helpdesk', 'hold', 'override', 'web', 'web.signIn', 'web.signIn.failed', 'web.audit.exported', 'source.problems', 'identifier', 'lease'] as const;

const PAGE = 50;
const MAX_FIELD = 200;

type Query = Readonly<Record<string, unknown>>;

/** The filters of a request, checked: the values to echo, the store filter, and what was wrong. */
export function parseAuditFilter(q: Query, timeZone: string, t: Translate): { values: AuditFormValues; filter: AuditFilter; errors: string[] } {
  const str = (k: string): string => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
  const values: AuditFormValues = { person: str('person'), actor: str('actor'), action: str('action'), target: str('target'), from: str('from'), until: str('until') };
  const errors: string[] = [];
  const labels: Record<keyof AuditFormValues, string> = {
    person: t('audit.person'), actor: t('audit.actor'), action: t('audit.action'), target: t('audit.target'), from: t('audit.from'), until: t('audit.until'),
  };
  for (const [k, v] of Object.entries(values) as [keyof AuditFormValues, string][]) {
    if (v.length > MAX_FIELD) errors.push(t('audit.invalid.long', { field: labels[k], max: MAX_FIELD }));
  }
  if (values.action !== '' && !/^[\w.-]+$/.test(values.action)) errors.push(t('audit.invalid.action'));
  for (const k of ['from', 'until'] as const) if (values[k] !== '' && !isCalendarDate(values[k])) errors.push(t('audit.invalid.date', { field: labels[k] }));
  if (errors.length === 0 && values.from !== '' && values.until !== '' && values.from > values.until) errors.push(t('audit.invalid.range'));
  // Dates are local days in the lifecycle time zone; "until" includes its whole day.
  const filter: AuditFilter = errors.length > 0 ? {} : {
    ...(values.person !== '' ? { personId: values.person } : {}),
    ...(values.actor !== '' ? { actor: values.actor } : {}),
    ...(values.action !== '' ? { event: values.action } : {}),
    ...(values.target !== '' ? { target: values.target } : {}),
    ...(values.from !== '' ? { since: startOfDay(values.from, timeZone) } : {}),
    ...(values.until !== '' ? { until: endOfDay(values.until, timeZone) } : {}),
  };
  return { values, filter, errors };
}

/** Register the audit viewer. */
export function registerAudit(app: FastifyInstance, ctx: WebContext): void {
  const { engine } = ctx;
  const timeZone = engine.config.lifecycle.timezone;
  const monitor = createChainMonitor(engine.store, { now: () => ctx.now() });
  const targets = Object.keys(engine.config.targets).sort();

  app.get<{ Querystring: Query }>('/audit', async (req, reply) => {
    const t = req.t;
    const { values, filter, errors } = parseAuditFilter(req.query, timeZone, t);
    const cursor = typeof req.query.cursor === 'string' && req.query.cursor !== '' ? req.query.cursor : undefined;
    let page: Awaited<ReturnType<typeof queryAudit>> = { rows: [] };
    if (errors.length === 0) {
      try {
        page = await queryAudit(engine.store, { ...filter, limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) });
      } catch (err) {
        if (!(err instanceof AuditCursorError)) throw err;
        errors.push(t('audit.invalid.cursor'));
      }
    }
    const [status, snapshot] = await Promise.all([monitor.status(), ctx.persons.get()]);
    return ctx.page(req, reply, {
      title: t('audit.title'),
      current: '/audit',
      status: errors.length > 0 ? 400 : 200,
      body: auditPage({
        values, errors, rows: page.rows, status, timeZone, csrf: ctx.csrf(reply), events: EVENTS, targets,
        ...(cursor !== undefined && errors.length === 0 ? { cursor } : {}),
        ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
        personName: (id) => {
          const p = snapshot.byId.get(id);
          return p ? `${p.preferredName ?? p.firstName} ${p.lastName}` : undefined;
        },
        personLinks: ctx.routes.has('GET /persons/:id'),
      }, t),
    });
  });

  // A full walk of the chain (it only reads; POST because it costs a walk of the whole log).
  app.post<{ Body: { next?: unknown } }>('/audit/verify', async (req, reply) => {
    await monitor.verifyFull();
    const next = nextPath(req.body?.next);
    return reply.redirect(next.startsWith('/audit') ? next : '/audit', 303);
  });

  const exporter = (format: 'csv' | 'json') => async (req: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply) => {
    const { filter, errors } = parseAuditFilter(req.query, timeZone, req.t);
    if (errors.length > 0) return ctx.error(req, reply, 400, errors.join(' '));
    const principal = req.principal as Principal;
    const counter: AuditExportCounter = { rows: 0 };
    const stamp = localDateTime(ctx.now().toISOString(), timeZone).replace(/[-:]/g, '').replace(' ', '-');
    async function* audited(): AsyncGenerator<string, void, undefined> {
      let complete = false;
      try {
        // A byte order mark, so that spreadsheets opening the download read UTF-8 (umlauts in names).
        if (format === 'csv') yield '\ufeff';
        yield* auditExportChunks(engine.store, format, filter, counter);
        complete = true;
      } finally {
        await engine.audit.record({ actor: ctx.actor(principal), event: 'web.audit.exported', payload: { format, filter, rows: counter.rows, complete } })
          .catch((err: Error) => engine.log.error({ err: err.message }, 'recording an audit export failed'));
      }
    }
    return reply
      .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="cadre-audit-${stamp}.${format}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(audited()));
  };
  app.get('/audit/export.csv', exporter('csv'));
  app.get('/audit/export.json', exporter('json'));
}
