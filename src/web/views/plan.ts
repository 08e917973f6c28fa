/** The pending plan: what `cadre plan` would show, filterable and paginated, with held, excluded, blockers and breaches. */
import type { AttrValue, Change, Operation, Plan } from '../../core/model.js';
import type { Translate } from '../i18n/index.js';
import { html, query, type Html } from './html.js';

/** Filters (from the query string). */
export interface PlanFilter {
  readonly target?: string;
  readonly action?: string;
  readonly person?: string;
  readonly page: number;
}

/** What the plan page shows. */
export interface PlanData {
  readonly plan?: Plan;
  readonly error?: string;
  readonly filter: PlanFilter;
  readonly targets: readonly string[];
  readonly actions: readonly string[];
  readonly pageSize: number;
  /** Person id → display name. */
  readonly names: ReadonlyMap<string, string>;
}

const val = (v: AttrValue | undefined): string => {
  if (v === undefined || v === null) return '∅';
  const s = Array.isArray(v) ? v.join(', ') : String(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
};

function change(c: Change): string {
  if (c.add || c.remove) return `${c.attribute}: ${[...(c.add ?? []).map((x) => `+${x}`), ...(c.remove ?? []).map((x) => `−${x}`)].join(' ')}`;
  return `${c.attribute}: ${val(c.from)} → ${val(c.to)}`;
}

/** The operations matching a filter. */
export function filterOperations(ops: readonly Operation[], f: PlanFilter): Operation[] {
  return ops.filter((o) => (f.target === undefined || o.target === f.target) && (f.action === undefined || o.action === f.action) && (f.person === undefined || o.personId === f.person));
}

function filters(d: PlanData, t: Translate): Html {
  const f = d.filter;
  const opt = (v: string, cur: string | undefined) => html`<option value="${v}"${cur === v ? html` selected` : ''}>${v}</option>`;
  return html`<form method="get" action="/plan" class="row">
<label for="f-target">${t('common.target')}<select id="f-target" name="target"><option value="">${t('plan.anyTarget')}</option>${d.targets.map((x) => opt(x, f.target))}</select></label>
<label for="f-action">${t('common.action')}<select id="f-action" name="action"><option value="">${t('plan.anyAction')}</option>${d.actions.map((x) => opt(x, f.action))}</select></label>
<label for="f-person">${t('plan.personFilter')}<input id="f-person" name="person" type="text" value="${f.person ?? ''}"></label>
<button type="submit">${t('common.filter')}</button>
</form>`;
}

function operationsTable(ops: readonly Operation[], d: PlanData, t: Translate): Html {
  if (ops.length === 0) return html`<p>${t('plan.none')}</p>`;
  const pages = Math.max(1, Math.ceil(ops.length / d.pageSize));
  const page = Math.min(Math.max(1, d.filter.page), pages);
  const from = (page - 1) * d.pageSize;
  const shown = ops.slice(from, from + d.pageSize);
  const link = (p: number) => `/plan${query({ target: d.filter.target, action: d.filter.action, person: d.filter.person, page: p })}`;
  return html`<p>${t('plan.shown', { from: from + 1, to: from + shown.length, total: ops.length })}</p>
<div class="table-wrap"><table><caption class="visually-hidden">${t('plan.operations')}</caption>
<thead><tr><th scope="col">${t('common.person')}</th><th scope="col">${t('common.target')}</th><th scope="col">${t('common.action')}</th><th scope="col">${t('plan.change')}</th><th scope="col">${t('plan.why')}</th></tr></thead>
<tbody>${shown.map((o) => html`<tr><td><a href="/persons/${encodeURIComponent(o.personId)}">${d.names.get(o.personId) ?? o.personId}</a> <span class="muted">(${o.personId})</span></td><td>${o.target}</td><td>${o.action}${o.entitlement !== undefined ? html`<br><span class="muted">${o.entitlement}</span>` : ''}</td>
<td>${o.changes.length === 0 ? '' : html`<ul>${o.changes.slice(0, 8).map((c) => html`<li>${change(c)}</li>`)}${o.changes.length > 8 ? html`<li>…</li>` : ''}</ul>`}</td><td>${o.reason.source}: ${o.reason.detail}</td></tr>`)}</tbody></table></div>
${pages > 1 ? html`<nav class="pager" aria-label="${t('common.page', { page, pages })}">${page > 1 ? html`<a href="${link(page - 1)}" rel="prev">${t('common.previous')}</a>` : ''}<span>${t('common.page', { page, pages })}</span>${page < pages ? html`<a href="${link(page + 1)}" rel="next">${t('common.next')}</a>` : ''}</nav>` : ''}`;
}

/** The plan page body. */
export function planView(d: PlanData, t: Translate): Html {
  if (!d.plan) return html`<p class="notice error" role="alert">${t('plan.failed', { reason: d.error ?? '' })}</p>`;
  const p = d.plan;
  const ops = filterOperations(p.operations, d.filter);
  const persons = new Set(p.operations.map((o) => o.personId)).size;
  return html`<p>${t('plan.summary', { operations: p.operations.length, persons, at: p.at.slice(0, 16).replace('T', ' ') })}</p>
${p.blockers.length > 0 ? html`<section aria-labelledby="h-blockers"><h2 id="h-blockers">${t('plan.blockers')}</h2><ul class="notice error">${p.blockers.map((b) => html`<li>${b.message}</li>`)}</ul></section>` : ''}
${p.breaches.length > 0 ? html`<section aria-labelledby="h-breaches"><h2 id="h-breaches">${t('plan.breaches')}</h2><ul class="notice error">${p.breaches.map((b) => html`<li>${b.action} · ${b.target}: ${b.count} / ${b.population} (${b.limit})</li>`)}</ul></section>` : ''}
<section aria-labelledby="h-ops"><h2 id="h-ops">${t('plan.operations')}</h2>${filters(d, t)}${operationsTable(ops, d, t)}</section>
${p.held.length > 0 ? html`<section aria-labelledby="h-held"><h2 id="h-held">${t('plan.held')}</h2><div class="table-wrap"><table><caption class="visually-hidden">${t('plan.held')}</caption>
<thead><tr><th scope="col">${t('common.person')}</th><th scope="col">${t('common.target')}</th><th scope="col">${t('common.reason')}</th><th scope="col">${t('plan.withheld')}</th></tr></thead>
<tbody>${p.held.map((h) => html`<tr><td><a href="/persons/${encodeURIComponent(h.personId)}">${d.names.get(h.personId) ?? h.personId}</a></td><td>${h.target}</td><td>${h.kind}: ${h.reason}${h.until !== undefined ? ` (${h.until})` : ''}</td><td>${h.withheld.join(', ')}</td></tr>`)}</tbody></table></div></section>` : ''}
${p.excluded.length > 0 ? html`<section aria-labelledby="h-excluded"><h2 id="h-excluded">${t('plan.excluded')}</h2><ul>${p.excluded.map((e) => html`<li>${e.target}: ${e.name ?? e.anchor} — ${t('plan.rule')} ${e.rule}</li>`)}</ul></section>` : ''}
${p.errors.length > 0 ? html`<section aria-labelledby="h-errors"><h2 id="h-errors">${t('plan.errors')}</h2><ul>${p.errors.map((e) => html`<li>${e.personId}${e.target !== undefined ? ` · ${e.target}` : ''}: ${e.code} ${e.message}</li>`)}</ul></section>` : ''}
${p.problems.length > 0 ? html`<section aria-labelledby="h-problems"><h2 id="h-problems">${t('plan.problems')}</h2><ul>${p.problems.map((x) => html`<li>${x.label}: ${x.messages.join('; ')}</li>`)}</ul></section>` : ''}`;
}
