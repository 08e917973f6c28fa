/**
 * Reports (auditor and admin): `GET /reports`, one page per report at `/reports/<name>` with its exports
 * `/reports/<name>.csv` and `.json` (the same parameters), and `/reports/activity` with the charts. The reports are
 * the engine's (src/engine/reports, the same as `cadre report`); this module parses parameters and renders. Exports
 * are audited (`web.report.exported`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { changesPerDay, operationsByTarget } from '../../engine/dashboard.js';
import {
  accessByDepartment, helpdeskActions, leaversWithEnabledAccounts, licenceUsage, orphanedAccounts, reportCsv, reportJson, whoHas,
  type AccessReport, type AnyReport, type HelpdeskReport, type LicenceReport,
} from '../../engine/reports/index.js';
import { knownEntitlements } from '../../engine/reports/known-entitlements.js';
import { addDays, localDate } from '../../core/lifecycle.js';
import type { Principal, WebContext } from '../context.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { html, type Html } from '../views/html.js';
import { endOfDay, isCalendarDate, localDateTime, startOfDay } from '../views/local-time.js';
import {
  accessMatrixTable, activityView, helpdeskView, licenceView, paramsQuery, reportForm, reportHeader, reportsIndex, reportTable,
  type ReportFields, type ReportLink, type ReportParams,
} from '../views/reports.js';

/** What a report page needs to know about the request. */
interface Call {
  readonly params: ReportParams;
  readonly timeZone: string;
  readonly personLinks: boolean;
  readonly t: Translate;
}

/** One report: its form fields, how to build it, how to show it. */
interface ReportDef extends ReportLink {
  readonly fields: ReportFields;
  build(ctx: WebContext, c: Call): Promise<AnyReport>;
  view(report: AnyReport, c: Call): Html;
}

const liveOpts = (p: ReportParams): { target?: string; stored?: boolean } => ({ ...(p.target !== '' ? { target: p.target } : {}), ...(p.stored ? { stored: true } : {}) });
const LIVE: ReportFields = { target: true, stored: true };

/** The reports, in the index's order; the slugs are `cadre report`'s names. */
const REPORTS: readonly ReportDef[] = [
  {
    slug: 'orphans', title: 'reports.orphans.title', desc: 'reports.orphans.desc', exports: true, fields: LIVE,
    build: (ctx, c) => orphanedAccounts(ctx.engine, liveOpts(c.params)),
    view: (r, c) => reportTable(r, c.t, { personLinks: c.personLinks, caption: c.t('reports.orphans.title') }),
  },
  {
    slug: 'leavers-enabled', title: 'reports.leavers.title', desc: 'reports.leavers.desc', exports: true, fields: LIVE,
    build: (ctx, c) => leaversWithEnabledAccounts(ctx.engine, liveOpts(c.params)),
    view: (r, c) => reportTable(r, c.t, { personLinks: c.personLinks, caption: c.t('reports.leavers.title') }),
  },
  {
    slug: 'access-matrix', title: 'reports.access.title', desc: 'reports.access.desc', exports: true, fields: LIVE,
    build: (ctx, c) => accessByDepartment(ctx.engine, liveOpts(c.params)),
    view: (r, c) => html`${(r as AccessReport).matrices.map((m) => accessMatrixTable(m, c.t))}`,
  },
  {
    slug: 'licences', title: 'reports.licences.title', desc: 'reports.licences.desc', exports: true, fields: LIVE,
    build: (ctx, c) => licenceUsage(ctx.engine, liveOpts(c.params)),
    view: (r, c) => licenceView(r as LicenceReport, c.t, c.t('reports.licences.title')),
  },
  {
    slug: 'who-has', title: 'reports.whoHas.title', desc: 'reports.whoHas.desc', exports: false, fields: { entitlement: true, ...LIVE },
    build: (ctx, c) => whoHas(ctx.engine, c.params.entitlement, liveOpts(c.params)),
    view: (r, c) => reportTable(r, c.t, { personLinks: c.personLinks, caption: `${c.t('reports.whoHas.entitlement')} ${c.params.entitlement}` }),
  },
  {
    slug: 'helpdesk', title: 'reports.helpdesk.title', desc: 'reports.helpdesk.desc', exports: true, fields: { target: true, period: true },
    build: (ctx, c) => helpdeskActions(ctx.engine.store, {
      since: startOfDay(c.params.from, c.timeZone), until: endOfDay(c.params.until, c.timeZone), now: ctx.now(),
      ...(c.params.target !== '' ? { target: c.params.target } : {}),
    }),
    view: (r, c) => helpdeskView(r as HelpdeskReport, c.t, { timeZone: c.timeZone, personLinks: c.personLinks, caption: c.t('reports.helpdesk.title') }),
  },
];

/** The activity charts' entry in the index. */
const ACTIVITY: ReportLink = { slug: 'activity', title: 'reports.activity.title', desc: 'reports.activity.desc', exports: false };

type Query = Readonly<Record<string, unknown>>;

/** Parameters of a request, defaulted and checked (`errors` in the UI language). */
export function parseReportParams(q: Query, d: { targets: readonly string[]; timeZone: string; today: string }, t: Translate): { params: ReportParams; errors: string[] } {
  const str = (k: string): string => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
  const errors: string[] = [];
  const target = str('target');
  if (target !== '' && !d.targets.includes(target)) errors.push(t('reports.invalid.target'));
  const entitlement = str('entitlement');
  if (entitlement.length > 200) errors.push(t('reports.invalid.entitlement'));
  // The helpdesk period: local days, the last 30 by default.
  const from = str('from') || addDays(d.today, -29);
  const until = str('until') || d.today;
  if (!isCalendarDate(from)) errors.push(t('audit.invalid.date', { field: t('audit.from') }));
  if (!isCalendarDate(until)) errors.push(t('audit.invalid.date', { field: t('audit.until') }));
  if (errors.length === 0 && from > until) errors.push(t('audit.invalid.range'));
  const days = ['7', '30', '90'].includes(str('days')) ? str('days') : '30';
  return { params: { target, stored: str('stored') === '1', entitlement, from, until, days }, errors };
}

/** Register the report pages. */
export function registerReports(app: FastifyInstance, ctx: WebContext): void {
  const { engine } = ctx;
  const timeZone = engine.config.lifecycle.timezone;
  const targets = Object.entries(engine.config.targets).filter(([, x]) => x.enabled).map(([n]) => n).sort();
  const parse = (req: FastifyRequest<{ Querystring: Query }>) => parseReportParams(req.query, { targets, timeZone, today: localDate(ctx.now().toISOString(), timeZone) }, req.t);
  const call = (req: FastifyRequest, params: ReportParams): Call => ({ params, timeZone, personLinks: ctx.routes.has('GET /persons/:id'), t: req.t });
  const page = (req: FastifyRequest, reply: FastifyReply, title: MessageKey, body: Html, status = 200) =>
    ctx.page(req, reply, { title: req.t(title), current: '/reports', status, body });
  const notices = (errors: readonly string[]): Html => html`<div class="notice error" role="alert"><ul>${errors.map((e) => html`<li>${e}</li>`)}</ul></div>`;
  /** Build a report; a target that cannot be listed gives its error code (the message goes to the log only). */
  const attempt = async (def: ReportDef, c: Call): Promise<{ report: AnyReport } | { error: string }> => {
    try {
      return { report: await def.build(ctx, c) };
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? 'ERROR');
      engine.log.error({ report: def.slug, code, err: (err as Error).message }, 'report failed');
      return { error: c.t('reports.error', { message: code }) };
    }
  };

  app.get('/reports', async (req, reply) => page(req, reply, 'reports.title', reportsIndex([...REPORTS, ACTIVITY], req.t)));

  for (const def of REPORTS) {
    app.get<{ Querystring: Query }>(`/reports/${def.slug}`, async (req, reply) => {
      const t = req.t;
      const { params, errors } = parse(req);
      const form = reportForm(def.slug, params, def.fields, { targets, ...(def.fields.entitlement ? { entitlements: await knownEntitlements(engine) } : {}) }, t);
      const intro = html`<p>${t(def.desc)}</p>${form}`;
      if (errors.length > 0) return page(req, reply, def.title, html`${intro}${notices(errors)}`, 400);
      if (def.fields.entitlement && params.entitlement === '') return page(req, reply, def.title, html`${intro}<p class="notice">${t('reports.whoHas.ask')}</p>`);
      const c = call(req, params);
      const res = await attempt(def, c);
      if ('error' in res) return page(req, reply, def.title, html`${intro}${notices([res.error])}`, 502);
      const header = reportHeader({ slug: def.slug, at: res.report.at, timeZone, exportQuery: paramsQuery(params, def.fields) }, t);
      return page(req, reply, def.title, html`${intro}${header}${def.view(res.report, c)}`);
    });

    for (const format of ['csv', 'json'] as const) {
      app.get<{ Querystring: Query }>(`/reports/${def.slug}.${format}`, async (req, reply) => {
        const { params, errors } = parse(req);
        if (def.fields.entitlement && params.entitlement === '') errors.push(req.t('reports.needEntitlement'));
        if (errors.length > 0) return ctx.error(req, reply, 400, errors.join(' '));
        const res = await attempt(def, call(req, params));
        if ('error' in res) return ctx.error(req, reply, 502, res.error);
        const principal = req.principal as Principal;
        await engine.audit.record({
          actor: ctx.actor(principal), event: 'web.report.exported',
          payload: { report: def.slug, format, rows: res.report.rows.length, query: paramsQuery(params, def.fields) },
        });
        const stamp = localDateTime(ctx.now().toISOString(), timeZone).replace(/[-:]/g, '').replace(' ', '-');
        return reply
          .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="cadre-${def.slug}-${stamp}.${format}"`)
          .header('cache-control', 'no-store')
          // A byte order mark, so that spreadsheets opening the download read UTF-8.
          .send(format === 'csv' ? `\ufeff${reportCsv(res.report)}` : reportJson(res.report));
      });
    }
  }

  app.get<{ Querystring: Query }>('/reports/activity', async (req, reply) => {
    const { params } = parse(req);
    const opts = { days: Number(params.days), timeZone, now: ctx.now() };
    const [changes, operations] = await Promise.all([changesPerDay(engine.store, opts), operationsByTarget(engine.store, opts)]);
    const body = html`<p>${req.t('reports.activity.desc')}</p>${reportForm('activity', params, { days: true }, { targets }, req.t)}${activityView({ changes, operations }, req.t)}`;
    return page(req, reply, 'reports.activity.title', body);
  });
}
