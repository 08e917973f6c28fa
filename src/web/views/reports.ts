/**
 * Report pages: the index, a parameter form per report, generic tables for the flat reports, the department ×
 * entitlement matrices, the helpdesk totals and entries, and the activity charts.
 */
import type { DayChanges, TargetOperations } from '../../engine/dashboard.js';
import type { AccessMatrix, AnyReport, Cell, HelpdeskReport, LicenceReport } from '../../engine/reports/index.js';
import { en } from '../i18n/en.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { changesPerDayChart, operationsByTargetChart } from './charts.js';
import { html, query, type Html } from './html.js';
import { localDateTime, timeTag } from './local-time.js';

/** One entry of the index. */
export interface ReportLink {
  readonly slug: string;
  readonly title: MessageKey;
  readonly desc: MessageKey;
  /** Has CSV/JSON exports without further input. */
  readonly exports: boolean;
}

/** The report form's values (echoed back; empty = not set). */
export interface ReportParams {
  readonly target: string;
  readonly stored: boolean;
  readonly entitlement: string;
  readonly from: string;
  readonly until: string;
  readonly days: string;
}

/** Which fields a report's form has. */
export interface ReportFields {
  readonly target?: boolean;
  readonly stored?: boolean;
  readonly entitlement?: boolean;
  readonly period?: boolean;
  readonly days?: boolean;
}

/** The query string of a report's parameters (for its exports and links). */
export function paramsQuery(p: ReportParams, f: ReportFields): string {
  return query({
    ...(f.target ? { target: p.target } : {}),
    ...(f.stored && p.stored ? { stored: '1' } : {}),
    ...(f.entitlement ? { entitlement: p.entitlement } : {}),
    ...(f.period ? { from: p.from, until: p.until } : {}),
    ...(f.days ? { days: p.days } : {}),
  });
}

/** The index page. */
export function reportsIndex(links: readonly ReportLink[], t: Translate): Html {
  return html`<p>${t('reports.intro')}</p>
<ul class="reports">${links.map((l) => html`<li><h2><a href="/reports/${l.slug}">${t(l.title)}</a></h2><p>${t(l.desc)}</p>
${l.exports ? html`<p class="small">${t('reports.exports')}: <a href="/reports/${l.slug}.csv" download>${t('reports.csv')}</a> · <a href="/reports/${l.slug}.json" download>${t('reports.json')}</a></p>` : ''}</li>`)}</ul>`;
}

/** The parameter form of a report (GET: a report with parameters is a link one can share). */
export function reportForm(slug: string, p: ReportParams, f: ReportFields, d: { targets: readonly string[]; entitlements?: readonly string[] }, t: Translate): Html {
  const target = f.target
    ? html`<label for="target">${t('common.target')}<select id="target" name="target"><option value="">${t('reports.targetAll')}</option>${d.targets.map((x) => html`<option value="${x}"${x === p.target ? html` selected` : ''}>${x}</option>`)}</select></label>`
    : '';
  const entitlement = f.entitlement
    ? html`<label for="entitlement">${t('reports.whoHas.entitlement')}<input type="text" id="entitlement" name="entitlement" value="${p.entitlement}" list="known-entitlements" maxlength="200" required></label>
<datalist id="known-entitlements">${(d.entitlements ?? []).map((e) => html`<option value="${e}"></option>`)}</datalist>`
    : '';
  const period = f.period
    ? html`<label for="from">${t('audit.from')}<input type="date" id="from" name="from" value="${p.from}"></label><label for="until">${t('audit.until')}<input type="date" id="until" name="until" value="${p.until}"></label>`
    : '';
  const days = f.days
    ? html`<label for="days">${t('reports.activity.days')}<select id="days" name="days">${['7', '30', '90'].map((n) => html`<option value="${n}"${n === p.days ? html` selected` : ''}>${n}</option>`)}</select></label>`
    : '';
  const stored = f.stored
    ? html`<label class="choice" for="stored"><input type="checkbox" id="stored" name="stored" value="1"${p.stored ? html` checked` : ''}> ${t('reports.stored')}</label>`
    : '';
  return html`<form method="get" action="/reports/${slug}" class="filters"><div class="row">${entitlement}${target}${period}${days}${stored}<div class="actions"><button type="submit">${t('reports.show')}</button></div></div></form>`;
}

/** The header of a column (translated when the catalogue knows it). */
export function columnLabel(column: string, t: Translate): string {
  const key = `col.${column}`;
  return key in en ? t(key as MessageKey) : column;
}

function cellView(column: string, v: Cell | undefined, t: Translate, personLinks: boolean): Html {
  if (v === null || v === undefined || v === '') return html`<span class="muted">—</span>`;
  if (typeof v === 'boolean') return html`${v ? t('common.yes') : t('common.no')}`;
  if (column === 'personId' && personLinks) return html`<a href="/persons/${encodeURIComponent(String(v))}">${String(v)}</a>`;
  return html`${String(v)}`;
}

/** A flat report as a table (every column, every row). */
export function reportTable(r: AnyReport, t: Translate, opts: { personLinks: boolean; caption: string }): Html {
  if (r.rows.length === 0) return html`<p class="notice ok">${t('reports.none')}</p>`;
  const numeric = new Set(r.columns.filter((c) => r.rows.every((row) => typeof row[c] === 'number' || row[c] === null)));
  return html`<div class="table-wrap"><table class="report">
<caption>${opts.caption} · ${t('reports.rows', { n: r.rows.length })}</caption>
<thead><tr>${r.columns.map((c) => html`<th scope="col"${numeric.has(c) ? html` class="num"` : ''}>${columnLabel(c, t)}</th>`)}</tr></thead>
<tbody>${r.rows.map((row) => html`<tr>${r.columns.map((c) => html`<td${numeric.has(c) ? html` class="num"` : ''}>${cellView(c, row[c], t, opts.personLinks)}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

/**
 * One target's access matrix: entitlements as rows (there are usually more of them than departments), departments
 * as columns, each header cell with its scope so that a screen reader announces both for every count.
 */
export function accessMatrixTable(m: AccessMatrix, t: Translate): Html {
  if (m.departments.length === 0 || m.entitlements.length === 0) return html`<p class="notice ok">${t('reports.access.matrix', { target: m.target })}: ${t('reports.none')}</p>`;
  return html`<div class="table-wrap"><table class="matrix">
<caption>${t('reports.access.matrix', { target: m.target })}</caption>
<thead><tr><th scope="col">${t('reports.access.entitlement')} \\ ${t('reports.access.department')}</th>${m.departments.map((d) => html`<th scope="col" class="num">${d}</th>`)}</tr></thead>
<tbody>${m.entitlements.map((e, ei) => html`<tr><th scope="row">${e}</th>${m.departments.map((_d, di) => {
    const n = m.counts[di]?.[ei] ?? 0;
    return html`<td class="num${n === 0 ? ' zero' : ''}">${n}</td>`;
  })}</tr>`)}</tbody>
</table></div>`;
}

/** The licence report: seats per licence, and why seats are unknown where they are. */
export function licenceView(r: LicenceReport, t: Translate, caption: string): Html {
  const errors = Object.entries(r.seatsErrors);
  return html`${errors.length > 0 ? html`<div class="notice"><ul>${errors.map(([target, reason]) => html`<li>${t('reports.licences.noSeats', { target, reason })}</li>`)}</ul></div>` : ''}
${reportTable(r, t, { personLinks: false, caption })}`;
}

const ENTRIES_SHOWN = 500;

/** The helpdesk report: counts by actor and type, totals by type, and the entries (newest first). */
export function helpdeskView(r: HelpdeskReport, t: Translate, d: { timeZone: string; personLinks: boolean; caption: string }): Html {
  const types = Object.keys(r.byType).sort();
  const totals = types.length === 0 ? '' : html`<div class="table-wrap"><table class="report"><caption>${t('reports.helpdesk.byType')}</caption>
<thead><tr><th scope="col">${columnLabel('type', t)}</th><th scope="col" class="num">${columnLabel('done', t)}</th><th scope="col" class="num">${columnLabel('refused', t)}</th><th scope="col" class="num">${columnLabel('failed', t)}</th></tr></thead>
<tbody>${types.map((ty) => { const c = r.byType[ty] as { done: number; refused: number; failed: number }; return html`<tr><th scope="row">${ty}</th><td class="num">${c.done}</td><td class="num">${c.refused}</td><td class="num">${c.failed}</td></tr>`; })}</tbody></table></div>`;
  const newest = [...r.entries].reverse();
  const shown = newest.slice(0, ENTRIES_SHOWN);
  const entries = r.entries.length === 0 ? '' : html`<details><summary>${t('reports.helpdesk.entries', { n: r.entries.length })}</summary>
${r.entries.length > ENTRIES_SHOWN ? html`<p class="muted">${t('reports.helpdesk.entriesCut', { n: ENTRIES_SHOWN })}</p>` : ''}
<div class="table-wrap"><table class="report"><thead><tr>${['at', 'actor', 'type', 'outcome', 'personId', 'target'].map((c) => html`<th scope="col">${columnLabel(c, t)}</th>`)}</tr></thead>
<tbody>${shown.map((e) => html`<tr><td>${timeTag(e.at, d.timeZone)}</td><td>${e.actor}</td><td>${e.type}</td><td>${e.outcome}</td><td>${cellView('personId', e.personId ?? null, t, d.personLinks)}</td><td>${e.target ?? ''}</td></tr>`)}</tbody></table></div></details>`;
  return html`${reportTable(r, t, { personLinks: false, caption: d.caption })}${totals}${entries}`;
}

/** The activity page: the two charts. */
export function activityView(d: { changes: readonly DayChanges[]; operations: readonly TargetOperations[] }, t: Translate): Html {
  return html`<div class="charts">${changesPerDayChart(d.changes, t)}${operationsByTargetChart(d.operations, t)}</div>`;
}

/** "As of …" and the export links of a report page. */
export function reportHeader(d: { slug: string; at?: string; timeZone: string; exportQuery?: string }, t: Translate): Html {
  return html`${d.at !== undefined ? html`<p class="muted">${t('reports.generatedAt', { at: localDateTime(d.at, d.timeZone) })}</p>` : ''}
${d.exportQuery !== undefined ? html`<p class="exports">${t('reports.exports')}: <a class="button" href="/reports/${d.slug}.csv${d.exportQuery}" download>${t('reports.csv')}</a> <a class="button" href="/reports/${d.slug}.json${d.exportQuery}" download>${t('reports.json')}</a></p>` : ''}`;
}
