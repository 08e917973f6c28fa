/** The audit log viewer: filters, the chain's verification state, one page of entries, paging and export links. */
import type { ChainStatus } from '../../audit/monitor.js';
import type { AuditRow } from '../../store/types.js';
import type { Translate } from '../i18n/index.js';
import { csrfField } from './layout.js';
import { html, query, type Html } from './html.js';
import { timeTag } from './local-time.js';

/** The filter form's values as typed (echoed back). */
export interface AuditFormValues {
  readonly person: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly from: string;
  readonly until: string;
}

/** Everything the page shows. */
export interface AuditPageData {
  readonly values: AuditFormValues;
  readonly errors: readonly string[];
  readonly rows: readonly AuditRow[];
  readonly cursor?: string;
  readonly nextCursor?: string;
  readonly status: ChainStatus;
  readonly timeZone: string;
  readonly csrf: string;
  /** Suggestions for the action and target fields. */
  readonly events: readonly string[];
  readonly targets: readonly string[];
  /** Display name of a person id, when the HR snapshot knows it. */
  personName(id: string): string | undefined;
  /** Whether person pages exist (link the person column). */
  readonly personLinks: boolean;
}

/** The query string of the filters (no cursor): shared by the page, its pager and the export links. */
export function filterQuery(v: AuditFormValues, extra: Readonly<Record<string, string | undefined>> = {}): string {
  return query({ person: v.person, actor: v.actor, action: v.action, target: v.target, from: v.from, until: v.until, ...extra });
}

const MAX_VALUE = 300;

function valueText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v.length > MAX_VALUE ? `${v.slice(0, MAX_VALUE)}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const scalar = (x: unknown): boolean => x === null || ['string', 'number', 'boolean'].includes(typeof x);
  if (Array.isArray(v) && v.every(scalar)) return valueText(v.map((x) => String(x)).join(', '));
  // A flat object (a reason, counts): key: value pairs read better than JSON.
  if (isRecord(v) && Object.values(v).every(scalar)) return valueText(Object.entries(v).map(([k, x]) => `${k}: ${String(x)}`).join(' · '));
  return valueText(JSON.stringify(v));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A payload a person can read: before → after per attribute (helpdesk entries), the changes of an operation
 * (attribute: from → to), then the other fields; the raw JSON folded away below.
 */
export function payloadView(text: string, t: Translate): Html {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return html`<code>${valueText(text)}</code>`;
  }
  if (!isRecord(v)) return v === null ? html`` : html`<code>${valueText(v)}</code>`;
  const items: Html[] = [];
  const item = (k: string, val: string, cls = ''): void => { items.push(html`<dt${cls ? html` class="${cls}"` : ''}>${k}</dt><dd>${val}</dd>`); };
  const before = isRecord(v.before) ? v.before : undefined;
  const after = isRecord(v.after) ? v.after : undefined;
  if (before || after) {
    for (const k of new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])) item(k, `${valueText(before?.[k])} → ${valueText(after?.[k])}`, 'change');
  }
  if (Array.isArray(v.changes)) {
    for (const c of v.changes) if (isRecord(c) && typeof c.attribute === 'string') item(c.attribute, `${valueText(c.from)} → ${valueText(c.to)}`, 'change');
  }
  for (const [k, val] of Object.entries(v)) {
    if ((k === 'before' && before) || (k === 'after' && after) || (k === 'changes' && Array.isArray(val))) continue;
    if (val === undefined) continue;
    item(k, valueText(val));
  }
  return html`<dl class="payload">${items}</dl><details><summary>${t('audit.rawJson')}</summary><pre>${JSON.stringify(v, null, 2)}</pre></details>`;
}

/** The verification panel: intact / broken at seq N, when it was checked, and the button for a full walk. */
export function verifyPanel(s: ChainStatus, d: { csrf: string; back: string; timeZone: string }, t: Translate): Html {
  const first = s.problems[0];
  const state = !s.ok && first
    ? html`<div class="notice error" role="alert"><p><strong>${t('verify.broken', { seq: first.seq })}</strong></p>
        <ul>${s.problems.slice(0, 5).map((p) => html`<li>${p.message}</li>`)}${s.problems.length > 5 ? html`<li>${t('verify.more', { n: s.problems.length - 5 })}</li>` : ''}</ul></div>`
    : s.count === 0
      ? html`<p class="notice ok">${t('verify.empty')}</p>`
      : html`<p class="notice ok">${t('verify.ok', { count: s.count, seq: s.headSeq })}</p>`;
  return html`<section class="panel verify" aria-labelledby="verify-h" id="verify">
<h2 id="verify-h">${t('verify.title')}</h2>
${state}
<p class="muted">${t('verify.fullAt')} ${timeTag(s.fullAt, d.timeZone)}.${s.checkedAt !== s.fullAt ? html` ${t('verify.checkedAt')} ${timeTag(s.checkedAt, d.timeZone)}.` : ''}</p>
<p class="muted">${t('verify.how')}</p>
<form method="post" action="/audit/verify">${csrfField(d.csrf)}<input type="hidden" name="next" value="${d.back}"><button type="submit" class="secondary">${t('verify.now')}</button></form>
</section>`;
}

function field(id: string, label: string, value: string, opts: { type?: string; hint?: string; list?: string } = {}): Html {
  return html`<label for="${id}">${label}
  <input type="${opts.type ?? 'text'}" id="${id}" name="${id}" value="${value}"${opts.list ? html` list="${opts.list}"` : ''}${opts.hint ? html` aria-describedby="${id}-hint"` : ''} maxlength="200">
  ${opts.hint ? html`<span id="${id}-hint" class="muted hint">${opts.hint}</span>` : ''}</label>`;
}

/** The filter form (GET, so a filtered view is a link one can share). */
export function auditFilterForm(d: Pick<AuditPageData, 'values' | 'events' | 'targets'>, t: Translate): Html {
  const v = d.values;
  return html`<form method="get" action="/audit" class="filters" role="search" aria-label="${t('audit.filters')}">
<div class="row">
${field('person', t('audit.person'), v.person)}
${field('actor', t('audit.actor'), v.actor, { hint: t('audit.actorHint') })}
${field('action', t('audit.action'), v.action, { hint: t('audit.actionHint'), list: 'audit-events' })}
${field('target', t('audit.target'), v.target, { list: 'audit-targets' })}
${field('from', t('audit.from'), v.from, { type: 'date' })}
${field('until', t('audit.until'), v.until, { type: 'date' })}
<div class="actions"><button type="submit">${t('audit.apply')}</button> <a href="/audit">${t('audit.reset')}</a></div>
</div>
<datalist id="audit-events">${d.events.map((e) => html`<option value="${e}"></option>`)}</datalist>
<datalist id="audit-targets">${d.targets.map((e) => html`<option value="${e}"></option>`)}</datalist>
</form>`;
}

function personCell(id: string | undefined, d: AuditPageData): Html {
  if (id === undefined) return html``;
  const name = d.personName(id);
  const label = name === undefined ? id : html`${name} <span class="muted">(${id})</span>`;
  return d.personLinks ? html`<a href="/persons/${encodeURIComponent(id)}">${label}</a>` : html`${label}`;
}

/** The whole page body. */
export function auditPage(d: AuditPageData, t: Translate): Html {
  const back = `/audit${filterQuery(d.values, { cursor: d.cursor })}`;
  const errors = d.errors.length > 0 ? html`<div class="notice error" role="alert"><ul>${d.errors.map((e) => html`<li>${e}</li>`)}</ul></div>` : '';
  const rows = d.rows.map((r) => html`<tr data-seq="${r.seq}">
<td>${r.seq}</td><td>${timeTag(r.at, d.timeZone)}</td><td>${r.actor}</td><td><code>${r.event}</code></td>
<td>${personCell(r.personId, d)}</td><td>${r.target ?? ''}</td><td>${payloadView(r.payload, t)}</td></tr>`);
  const table = d.rows.length === 0
    ? html`<p class="notice">${t('audit.none')}</p>`
    : html`<div class="table-wrap"><table class="audit">
<caption>${t('audit.rows')}</caption>
<thead><tr><th scope="col">${t('audit.seq')}</th><th scope="col">${t('audit.time', { zone: d.timeZone })}</th><th scope="col">${t('common.actor')}</th><th scope="col">${t('audit.event')}</th><th scope="col">${t('common.person')}</th><th scope="col">${t('common.target')}</th><th scope="col">${t('audit.payload')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
  const pager = d.cursor !== undefined || d.nextCursor !== undefined
    ? html`<nav class="pager" aria-label="${t('audit.rows')}">
${d.cursor !== undefined ? html`<a href="/audit${filterQuery(d.values)}">${t('audit.newest')}</a>` : ''}
${d.nextCursor !== undefined ? html`<a href="/audit${filterQuery(d.values, { cursor: d.nextCursor })}" rel="next">${t('audit.older')}</a>` : ''}
</nav>`
    : '';
  const exports = d.errors.length > 0 ? '' : html`<section class="exports" aria-labelledby="export-h"><h2 id="export-h">${t('audit.export')}</h2>
<p><a class="button" href="/audit/export.csv${filterQuery(d.values)}" download>${t('audit.exportCsv')}</a>
<a class="button" href="/audit/export.json${filterQuery(d.values)}" download>${t('audit.exportJson')}</a></p>
<p class="muted">${t('audit.exportHint')}</p></section>`;
  return html`${verifyPanel(d.status, { csrf: d.csrf, back, timeZone: d.timeZone }, t)}
${auditFilterForm(d, t)}
${errors}
${table}
${pager}
${exports}`;
}
