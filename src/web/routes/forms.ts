/**
 * Helpdesk forms: `GET /forms` (find a person), `GET /persons/:id/forms` (their accounts and the forms available for
 * them), `GET /persons/:id/forms/:formId` (a form; `?target=` picks the system) and `POST` to the same path (submit).
 *
 * The routes parse the request and hand the form id, person id, target and field names exactly as sent to the
 * helpdesk service (src/engine/helpdesk), which re-checks the form, the principal, scope, protection and the
 * whitelist, carries the change out and audits it. Nothing the browser sends is trusted here either: the page only
 * offers what `formsFor` allows, but a tampered submission still goes to the service, which refuses and records it.
 * A new password is rendered into the response page once and kept nowhere (no redirect, flash, session or log).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FormConfig } from '../../config/schema-forms.js';
import { addDays, localDate } from '../../core/lifecycle.js';
import { displayName, searchPersons } from '../../core/person-search.js';
import type { Person } from '../../core/model.js';
import { createHelpdesk, HelpdeskError, type FormPrincipal } from '../../engine/helpdesk/index.js';
import { accessFor, allows } from '../access.js';
import type { Principal, WebContext } from '../context.js';
import { html } from '../views/html.js';
import { backLink, errorNotice, formTitle, personFormsPath, personFormsView, resultView, searchView, type FormError, type PersonRef } from '../views/forms.js';
import { chooseTargetView, formPageView, type FormPageData } from '../views/forms-pages.js';
import { submitForm, type FormBody } from './forms-submit.js';

declare module 'fastify' {
  interface Session {
    /** One-time tokens of reset forms shown in this session (a reloaded result page must not reset again). */
    formOnce?: string[];
  }
}

/** Reset forms a session may have open at once (older tokens expire). */
const MAX_OPEN_RESETS = 20;

/** At most this many search results. */
const SEARCH_LIMIT = 25;

type Params = { id: string; formId: string };

/** The principal as the helpdesk service sees it (OIDC groups when the sign-in provided them). */
export function formPrincipal(p: Principal): FormPrincipal {
  return { id: p.id, role: p.role, ...(p.personId !== undefined ? { personId: p.personId } : {}), ...(p.groups !== undefined ? { groups: p.groups } : {}) };
}

export const personRef = (p: Person): PersonRef => ({
  id: p.id, name: displayName(p), status: p.status,
  ...(p.department !== undefined ? { department: p.department } : {}), ...(p.email !== undefined ? { email: p.email } : {}),
});

/**
 * HTTP status of a service error: bad input 400, a refusal 403, unknown things 404, a state conflict 409 (held, not
 * disabled, not planned), a busy run lease 503, a target failure 502.
 */
export function statusOf(e: HelpdeskError): number {
  if (!e.refused) return e.code === 'HELPDESK_BUSY' ? 503 : e.code === 'HELPDESK_NOT_APPLIED' ? 409 : 502;
  if (['HELPDESK_VALUE_INVALID', 'HELPDESK_REASON_REQUIRED', 'HELPDESK_PASSWORD_POLICY', 'HELPDESK_PASSWORD_REQUIRED', 'HELPDESK_NOTHING_TO_DO', 'HELPDESK_TARGET_REQUIRED', 'HELPDESK_TOO_LONG'].includes(e.code)) return 400;
  if (['HELPDESK_FORM_UNKNOWN', 'HELPDESK_PERSON_UNKNOWN', 'HELPDESK_NO_ACCOUNT'].includes(e.code)) return 404;
  if (['HELPDESK_HELD', 'HELPDESK_NOT_DISABLED', 'HELPDESK_AMBIGUOUS'].includes(e.code)) return 409;
  return 403;
}

/** A service error as the view shows it. */
export function formError(e: HelpdeskError): FormError {
  const problems = e.details?.['problems'];
  return {
    code: e.code, message: e.message, refused: e.refused,
    ...(Array.isArray(problems) ? { problems: problems.filter((p): p is string => typeof p === 'string') } : {}),
  };
}

/**
 * The person's helpdesk page for a link on the person page (`/persons/:id`), when the helpdesk area is registered and
 * the principal's role may open it; which forms apply is shown there.
 */
export function helpdeskHref(ctx: WebContext, principal: Principal, personId: string): string | undefined {
  const route = '/persons/:id/forms';
  return ctx.routes.has(`GET ${route}`) && allows(accessFor('GET', route) ?? [], principal.role) ? personFormsPath(personId) : undefined;
}

/** A new one-time token for a reset form page (kept in the session; other forms need none). */
function onceFor(req: FastifyRequest, form: FormConfig): { once?: string } {
  if (form.type !== 'resetPassword') return {};
  const once = randomBytes(16).toString('base64url');
  req.session.formOnce = [...(req.session.formOnce ?? []), once].slice(-MAX_OPEN_RESETS);
  return { once };
}

/** Register the helpdesk routes. */
export function registerForms(app: FastifyInstance, ctx: WebContext): void {
  const engine = ctx.engine;
  const helpdesk = createHelpdesk(engine, { actorPrefix: 'web' });
  const tz = engine.config.lifecycle.timezone;

  /** The person, if the principal may see them (managers: their reports only); else a 404 was sent. */
  const personFor = async (req: FastifyRequest, reply: FastifyReply, id: string): Promise<Person | undefined> => {
    const p = req.principal as Principal;
    const person = (await ctx.persons.get()).byId.get(id) ?? await engine.store.persons.get(id);
    if (!person || !(await ctx.canSee(p, id))) {
      ctx.error(req, reply, 404);
      return undefined;
    }
    return person;
  };

  /** The data of a form page, or `undefined` when the form is not available for this person and target. */
  const pageData = async (req: FastifyRequest, person: Person, form: FormConfig, target: string | undefined, reply: FastifyReply): Promise<FormPageData | undefined> => {
    const p = req.principal as Principal;
    const available = (await helpdesk.formsFor(formPrincipal(p), person.id)).find((f) => f.id === form.id);
    if (!available) return undefined;
    if (target !== undefined && !available.targets.includes(target)) return undefined;
    const accounts = await helpdesk.accountsOf(person.id);
    const account = target === undefined ? undefined : accounts.find((a) => a.target === target);
    const today = localDate(engine.now().toISOString(), tz);
    let hold: FormPageData['hold'];
    if (form.type === 'disable') {
      const h = (await engine.store.holds.byPerson(person.id)).find((x) => x.disable === true && x.target === target);
      if (h) hold = { reason: h.reason, actor: h.actor, ...(h.until !== undefined ? { until: h.until } : {}) };
    }
    return {
      person: personRef(person), form, target, accounts: accounts.filter((a) => available.targets.includes(a.target)),
      ...(account ? { account } : {}), csrf: ctx.csrf(reply), lang: req.lang, timeZone: tz,
      mapped: new Set(target === undefined ? [] : Object.keys(engine.config.targets[target]?.attributes ?? {}).map((k) => k.toLowerCase())),
      ...(hold ? { hold } : {}), today,
      ...(form.type === 'disable' && form.maxDays !== undefined ? { lastDay: addDays(today, form.maxDays) } : {}),
    };
  };

  app.get<{ Querystring: { q?: unknown } }>('/forms', async (req, reply) => {
    const t = req.t;
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
    const [snap, scope] = await Promise.all([ctx.persons.get(), ctx.scope(req.principal as Principal)]);
    const { results, total } = searchPersons(snap.search, q, { limit: SEARCH_LIMIT, ...(scope ? { scope } : {}) });
    return ctx.page(req, reply, { title: t('forms.title'), current: '/forms', body: searchView({ q, results: results.map(personRef), more: total > results.length }, t) });
  });

  app.get<{ Params: { id: string } }>('/persons/:id/forms', async (req, reply) => {
    const t = req.t;
    const person = await personFor(req, reply, req.params.id);
    if (!person) return reply;
    const forms = (await helpdesk.formsFor(formPrincipal(req.principal as Principal), person.id)).map((f) => ({ ...f, label: formTitle(f, req.lang, t) }));
    const accounts = await helpdesk.accountsOf(person.id);
    const ref = personRef(person);
    return ctx.page(req, reply, { title: t('forms.personTitle', { name: ref.name }), current: '/forms', body: personFormsView({ person: ref, accounts, forms, lang: req.lang, timeZone: tz }, t) });
  });

  app.get<{ Params: Params; Querystring: { target?: unknown } }>('/persons/:id/forms/:formId', async (req, reply) => {
    const t = req.t;
    const person = await personFor(req, reply, req.params.id);
    if (!person) return reply;
    const form = engine.config.forms.find((f) => f.id === req.params.formId);
    if (!form) return ctx.error(req, reply, 404);
    const available = (await helpdesk.formsFor(formPrincipal(req.principal as Principal), person.id)).find((f) => f.id === form.id);
    if (!available) return ctx.error(req, reply, 404);
    const title = formTitle(form, req.lang, t);
    const asked = typeof req.query.target === 'string' && req.query.target !== '' ? req.query.target : undefined;
    const everyTarget = form.type === 'disable' && available.targets.length > 1;
    const target = asked === '*' && everyTarget ? undefined : asked ?? (available.targets.length === 1 ? available.targets[0] : null);
    if (target === null) {
      return ctx.page(req, reply, { title, current: '/forms', body: chooseTargetView({ person: personRef(person), formId: form.id, targets: available.targets, everyTarget }, t) });
    }
    const data = await pageData(req, person, form, target, reply);
    if (!data) return ctx.error(req, reply, 404);
    return ctx.page(req, reply, { title, current: '/forms', body: formPageView({ ...data, ...onceFor(req, form) }, t) });
  });

  app.post<{ Params: Params; Body: FormBody }>('/persons/:id/forms/:formId', async (req, reply) => {
    const t = req.t;
    const principal = req.principal as Principal;
    const body: FormBody = req.body !== null && typeof req.body === 'object' ? req.body : {};
    const form = engine.config.forms.find((f) => f.id === req.params.formId);
    if (!form) return ctx.error(req, reply, 404);
    // A reset form's one-time token: sent again (a reload of the result page, a second click) it resets nothing.
    // Posts without one still go to the service, which checks them like any other.
    const once = typeof body.once === 'string' ? body.once : undefined;
    if (form.type === 'resetPassword' && once !== undefined) {
      const open = req.session.formOnce ?? [];
      if (!open.includes(once)) {
        return ctx.page(req, reply, { title: formTitle(form, req.lang, t), status: 409, current: '/forms', body: html`<p class="notice error" role="alert" id="form-error" data-code="FORM_ALREADY_SUBMITTED">${t('forms.reset.alreadySubmitted')}</p><p><a href="${personFormsPath(req.params.id)}">${t('forms.backToPerson')}</a></p>` });
      }
      req.session.formOnce = open.filter((x) => x !== once);
    }
    const rawTarget = typeof body.target === 'string' ? body.target : undefined;
    const target = rawTarget === undefined || rawTarget === '' || rawTarget === '*' ? undefined : rawTarget;
    try {
      const { result, person } = await submitForm({ engine, helpdesk, principal: formPrincipal(principal), form, personId: req.params.id, target, body });
      return ctx.page(req, reply, { title: formTitle(form, req.lang, t), current: '/forms', body: resultView(result, personRef(person), t) });
    } catch (e) {
      if (!(e instanceof HelpdeskError)) throw e;
      const status = statusOf(e);
      const err = formError(e);
      const title = formTitle(form, req.lang, t);
      // Show the form again with the message, if the principal may see it at all; otherwise the message alone.
      const person = (await ctx.canSee(principal, req.params.id)) ? await engine.store.persons.get(req.params.id) : undefined;
      const data = person ? await pageData(req, person, form, target, reply) : undefined;
      if (data && person) {
        const values = Object.fromEntries(Object.entries(body).filter(([k, v]) => typeof v === 'string' && k !== 'password' && k !== '_csrf')) as Record<string, string>;
        return ctx.page(req, reply, { title, status, current: '/forms', body: formPageView({ ...data, ...onceFor(req, form), error: err, values }, t) });
      }
      return ctx.page(req, reply, {
        title, status, current: '/forms',
        body: html`${errorNotice(err, t)}${person ? backLink(personRef(person), t) : html`<p><a href="/forms">${t('forms.backToSearch')}</a></p>`}`,
      });
    }
  });

}
