/** Person search and the person page (HR data, accounts, entitlements with their rules, holds, history). */
import type { Explanation } from '../../core/explain.js';
import type { AccountState, AttrValue, Hold, Person } from '../../core/model.js';
import { displayName } from '../../core/person-search.js';
import type { LiveAccount } from '../../engine/person-view.js';
import type { AuditRow } from '../../store/types.js';
import type { Translate } from '../i18n/index.js';
import { html, safeUrl, query, type Html } from './html.js';

/** The search page. */
export interface PersonsListData {
  readonly q: string;
  readonly results: readonly Person[];
  readonly total: number;
  readonly limit: number;
}

const personLink = (p: Person): Html => html`<a href="/persons/${encodeURIComponent(p.id)}">${displayName(p)}</a>`;

/** Search form and results (the results region is what htmx swaps while typing). */
export function personsListView(d: PersonsListData, t: Translate): Html {
  return html`<form method="get" action="/persons" class="row" role="search">
  <label for="q">${t('persons.search')}
    <input id="q" name="q" type="search" value="${d.q}" autocomplete="off" hx-get="/persons" hx-trigger="input changed delay:300ms, search" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true"></label>
  <button type="submit">${t('common.search')}</button>
</form>
<div id="results" aria-live="polite">
<p>${t('persons.results', { count: d.total })}${d.total > d.results.length ? html` · ${t('persons.more', { count: d.results.length })}` : ''}</p>
${d.results.length === 0 ? '' : html`<div class="table-wrap"><table><caption class="visually-hidden">${t('nav.persons')}</caption>
<thead><tr><th scope="col">${t('persons.name')}</th><th scope="col">${t('persons.id')}</th><th scope="col">${t('persons.email')}</th><th scope="col">${t('persons.department')}</th></tr></thead>
<tbody>${d.results.map((p) => html`<tr><td>${personLink(p)}</td><td>${p.id}</td><td>${p.email ?? ''}</td><td>${p.department ?? ''}</td></tr>`)}</tbody></table></div>`}
</div>`;
}

/** What the person page shows. */
export interface PersonPageData {
  readonly person: Person;
  /** The supervisor, when the viewer may see them. */
  readonly supervisor?: Person;
  readonly accounts: readonly AccountState[];
  readonly live?: readonly LiveAccount[];
  readonly explanation?: Explanation;
  readonly explainError?: string;
  readonly holds: readonly Hold[];
  readonly history: readonly AuditRow[];
  readonly olderCursor?: string;
  /** The person's helpdesk page, when the viewer may open it (the forms area's hook; see routes/forms.ts). */
  readonly helpdeskHref?: string;
}

const show = (v: AttrValue | undefined): string => (v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v));

function facts(d: PersonPageData, t: Translate): Html {
  const p = d.person;
  const end = p.lastWorkingDay ?? p.terminationDate ?? p.contractEndDate;
  const row = (label: string, value: Html | string | undefined): Html => (value === undefined || value === '' ? html`` : html`<dt>${label}</dt><dd>${value}</dd>`);
  return html`<dl class="facts">
${row(t('persons.id'), p.id)}${row(t('persons.email'), p.email)}${row(t('persons.field.status'), p.status)}
${row(t('persons.department'), p.department)}${row(t('persons.field.position'), p.position)}${row(t('persons.field.office'), p.office)}
${row(t('persons.field.supervisor'), d.supervisor ? personLink(d.supervisor) : p.supervisorId)}
${row(t('persons.field.hireDate'), p.hireDate)}${row(t('persons.field.endDate'), end)}${row(t('persons.field.employmentType'), p.employmentType)}
${d.explanation?.lifecycle ? row(t('persons.state'), `${d.explanation.lifecycle.state} · ${d.explanation.lifecycle.reason.detail}`) : ''}
</dl>`;
}

function accountsSection(d: PersonPageData, t: Translate): Html {
  if (d.accounts.length === 0) return html`<p>${t('persons.noAccounts')}</p>`;
  const liveOf = (a: AccountState) => d.live?.find((l) => l.target === a.target && l.anchor === a.anchor);
  return html`<p class="muted">${t('persons.stored')}</p>
<div class="table-wrap"><table><caption class="visually-hidden">${t('persons.accounts')}</caption>
<thead><tr><th scope="col">${t('common.target')}</th><th scope="col">${t('persons.anchor')}</th><th scope="col">${t('persons.enabled')}</th><th scope="col">${t('common.details')}</th></tr></thead>
<tbody>${d.accounts.map((a) => {
    const l = liveOf(a);
    const state = l?.live ?? a;
    return html`<tr><td>${a.target}</td><td>${a.anchor}</td><td>${state.enabled ? t('common.yes') : t('common.no')}${l?.error !== undefined ? html` <span class="badge warn">${l.error}</span>` : l?.live ? html` <span class="badge ok">${t('persons.liveBadge')}</span>` : ''}</td>
<td><details><summary>${t('common.details')}</summary><dl class="facts">${Object.entries(state.attributes).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => html`<dt>${k}</dt><dd>${show(v)}</dd>`)}</dl></details></td></tr>`;
  })}</tbody></table></div>
<form method="get" action="/persons/${encodeURIComponent(d.person.id)}"><input type="hidden" name="live" value="1"><button type="submit" class="secondary">${t('persons.live')}</button></form>`;
}

function entitlementsSection(d: PersonPageData, t: Translate): Html {
  if (d.explainError !== undefined) return html`<p class="notice error">${t('persons.explainFailed', { reason: d.explainError })}</p>`;
  const rows = (d.explanation?.targets ?? []).flatMap((x) => [
    ...x.entitlements.map((e) => html`<tr><td>${x.target}</td><td>${e.name}</td><td>${e.rule}</td><td>${e.because}</td><td>${e.held ? t('common.yes') : t('common.no')}</td></tr>`),
    ...x.extraEntitlements.map((e) => html`<tr><td>${x.target}</td><td>${e}</td><td class="muted">—</td><td class="muted">${t('persons.noRule')}</td><td>${t('common.yes')}</td></tr>`),
    // Kept removed against the rules: a review exception or an override (a form's removal).
    ...(x.removedEntitlements ?? []).map((e) => html`<tr><td>${x.target}</td><td>${e.name}</td><td>${e.kind === 'review' ? t('reviews.exception') : t('reviews.overrideRemoved')}</td><td>${e.because}</td><td>${t('reviews.keptRemoved')}</td></tr>`),
  ]);
  if (rows.length === 0) return html`<p>${t('persons.noEntitlements')}</p>`;
  return html`<div class="table-wrap"><table><caption class="visually-hidden">${t('persons.entitlements')}</caption>
<thead><tr><th scope="col">${t('common.target')}</th><th scope="col">${t('persons.entitlement')}</th><th scope="col">${t('plan.rule')}</th><th scope="col">${t('plan.why')}</th><th scope="col">${t('persons.held')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function overridesList(d: PersonPageData, t: Translate): Html {
  const list = d.explanation?.overrides ?? [];
  if (list.length === 0) return html``;
  return html`<h3>${t('persons.overrides')}</h3><ul>${list.map((o) => html`<li>${o.target} · ${o.attribute} = ${show(o.value)}: ${o.reason} <span class="muted">(${o.actor}, ${o.createdAt.slice(0, 10)}${o.expiresAt !== undefined ? ` → ${o.expiresAt}` : ''}${o.active ? '' : `, ${t('holds.expired')}`})</span></li>`)}</ul>`;
}

function holdsSection(d: PersonPageData, t: Translate): Html {
  if (d.holds.length === 0) return html`<p>${t('persons.noHolds')}</p>${overridesList(d, t)}`;
  return html`<ul>${d.holds.map((h) => html`<li>${h.target ?? t('common.everyTarget')}: ${h.reason} <span class="muted">(${h.actor}, ${h.createdAt.slice(0, 10)}${h.until !== undefined ? ` → ${h.until}` : ''}${h.disable === true ? `, ${t('holds.keptDisabled')}` : ''})</span></li>`)}</ul>${overridesList(d, t)}`;
}

/** ` · create` for an entry whose payload names an action (operations), else nothing. */
function actionOf(payload: string): string {
  try {
    const a = (JSON.parse(payload) as { action?: unknown } | null)?.action;
    return typeof a === 'string' ? ` · ${a}` : '';
  } catch {
    return '';
  }
}

function historySection(d: PersonPageData, t: Translate): Html {
  if (d.history.length === 0) return html`<p>${t('persons.noHistory')}</p>`;
  return html`<ol class="timeline">${d.history.map((r) => html`<li><time datetime="${r.at}">${r.at.slice(0, 16).replace('T', ' ')}</time> · <strong>${r.event}</strong>${r.target !== undefined ? ` · ${r.target}` : ''}${actionOf(r.payload)} · <span class="muted">${r.actor}</span>
<details><summary>${t('common.details')}</summary><pre>${r.payload.length > 2000 ? `${r.payload.slice(0, 2000)}…` : r.payload}</pre></details></li>`)}</ol>
${d.olderCursor !== undefined ? html`<p><a href="/persons/${encodeURIComponent(d.person.id)}${query({ before: d.olderCursor })}">${t('persons.olderHistory')}</a></p>` : ''}`;
}

/** The person page body. */
export function personView(d: PersonPageData, t: Translate): Html {
  return html`<section aria-labelledby="h-hr"><h2 id="h-hr">${t('persons.hr')}</h2>${facts(d, t)}</section>
<section aria-labelledby="h-accounts"><h2 id="h-accounts">${t('persons.accounts')}</h2>${accountsSection(d, t)}
${d.helpdeskHref !== undefined ? html`<p class="helpdesk-link"><a href="${safeUrl(d.helpdeskHref)}">${t('forms.personLink')}</a></p>` : ''}</section>
<section aria-labelledby="h-ent"><h2 id="h-ent">${t('persons.entitlements')}</h2>${entitlementsSection(d, t)}</section>
<section aria-labelledby="h-holds"><h2 id="h-holds">${t('persons.holds')}</h2>${holdsSection(d, t)}</section>
<section aria-labelledby="h-history"><h2 id="h-history">${t('persons.history')}</h2>${historySection(d, t)}</section>`;
}
