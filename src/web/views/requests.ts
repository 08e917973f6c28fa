/** Views of catalogue requests: the requests page (inbox, my requests, request form) and one request's detail. */
import type { AccessRequest, Delegation, RequestDecision } from '../../store/types.js';
import type { Translate } from '../i18n/index.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';

/** Data of the requests page. */
export interface RequestsData {
  readonly inbox: readonly AccessRequest[];
  readonly mine: readonly AccessRequest[];
  readonly items: readonly { readonly id: string; readonly name: string }[];
  readonly csrf: string;
  readonly notice?: string;
  readonly error?: string;
  /** Display names of the persons on the page (id → "Sam Seller"). */
  readonly names?: ReadonlyMap<string, string>;
  /** The person picker: the search text, the matches in the principal's scope (server-side), how many matched. */
  readonly picker?: { readonly q: string; readonly candidates: readonly PickPerson[]; readonly total: number; readonly selected?: string; readonly item?: string };
  /** The principal's delegations that have not ended (the delegate form is shown with them). */
  readonly delegations?: { readonly given: readonly Delegation[]; readonly received: readonly Delegation[] };
}

/** A person the picker offers. */
export interface PickPerson { readonly id: string; readonly name: string; readonly detail: string }

const who = (id: string, names: ReadonlyMap<string, string> | undefined): string => { const n = names?.get(id); return n !== undefined ? `${n} (${id})` : id; };
const row = (r: AccessRequest, names: ReadonlyMap<string, string> | undefined): Html => html`<tr><td><a href="/requests/${r.id}">#${r.id}</a></td><td>${r.item}</td><td>${who(r.personId, names)}</td><td>${r.status}</td><td>${r.endDate ?? ''}</td></tr>`;
const table = (list: readonly AccessRequest[], t: Translate, names?: ReadonlyMap<string, string>): Html => list.length === 0 ? html`<p>${t('requests.nothing')}</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">#</th><th scope="col">${t('requests.item')}</th><th scope="col">${t('requests.person')}</th><th scope="col">${t('requests.status')}</th><th scope="col">${t('requests.endDate')}</th></tr></thead>
<tbody>${list.map((r) => row(r, names))}</tbody></table></div>`;

/** The picker's choices (the region htmx swaps while the search is typed). */
function pickerChoices(pk: NonNullable<RequestsData['picker']>, t: Translate): Html {
  const more = pk.total > pk.candidates.length ? html`<p>${t('requests.pickMore', { shown: pk.candidates.length, total: pk.total })}</p>` : '';
  return html`<div id="rq-people" aria-live="polite">${pk.candidates.length === 0 ? html`<p>${pk.q === '' ? t('requests.pickHint') : t('requests.pickNone')}</p>` : html`<ul class="plain">${pk.candidates.map((c) => html`<li><input type="radio" id="rq-p-${c.id}" name="personId" value="${c.id}" required${pk.selected === c.id ? html` checked` : ''}>
<label class="choice" for="rq-p-${c.id}">${c.name}${c.detail !== '' ? html` <small>${c.detail}</small>` : ''}</label></li>`)}</ul>`}${more}</div>`;
}

const delegationRow = (d: Delegation, other: string): Html => html`<li>${other}: ${d.from.slice(0, 16).replace('T', ' ')} – ${d.until.slice(0, 16).replace('T', ' ')} UTC</li>`;

function delegationSection(dl: NonNullable<RequestsData['delegations']>, csrf: string, t: Translate): Html {
  return html`<section aria-labelledby="h-deleg"><h2 id="h-deleg">${t('requests.delegate.title')}</h2>
<p>${t('requests.delegate.intro')}</p>
${dl.given.length > 0 ? html`<h3>${t('requests.delegate.given')}</h3><ul class="delegations-given">${dl.given.map((d) => html`<li>${d.delegate}: ${d.from.slice(0, 16).replace('T', ' ')} – ${d.until.slice(0, 16).replace('T', ' ')} UTC
<form method="post" action="/requests/delegate/end" class="inline">${csrfField(csrf)}<input type="hidden" name="delegate" value="${d.delegate}"><button type="submit">${t('requests.delegate.end')}</button></form></li>`)}</ul>` : ''}
${dl.received.length > 0 ? html`<h3>${t('requests.delegate.received')}</h3><ul class="delegations-received">${dl.received.map((d) => delegationRow(d, d.approver))}</ul>` : ''}
<form method="post" action="/requests/delegate" class="stack">${csrfField(csrf)}
<label for="dg-to">${t('requests.delegate.to')}</label><input id="dg-to" name="to" required autocomplete="off">
<label for="dg-until">${t('requests.delegate.until')}</label><input id="dg-until" name="until" type="date" required>
<button type="submit">${t('requests.delegate.submit')}</button></form></section>`;
}

/** The requests page body. */
export function requestsView(d: RequestsData, t: Translate): Html {
  return html`${d.notice !== undefined ? html`<p class="notice ok" role="status">${d.notice}</p>` : ''}
${d.error !== undefined ? html`<p class="notice error" role="alert">${t('requests.refused', { reason: d.error })}</p>` : ''}
<section aria-labelledby="h-inbox"><h2 id="h-inbox">${t('requests.inbox')}</h2>${table(d.inbox, t, d.names)}</section>
<section aria-labelledby="h-mine"><h2 id="h-mine">${t('requests.mine')}</h2>${table(d.mine, t, d.names)}</section>
${d.items.length > 0 ? html`<section aria-labelledby="h-new"><h2 id="h-new">${t('requests.new')}</h2>
${d.picker !== undefined ? html`<form method="get" action="/requests" class="row" role="search">
${d.picker.item !== undefined ? html`<input type="hidden" name="item" value="${d.picker.item}">` : ''}
<label for="rq-q">${t('requests.find')}</label>
<input id="rq-q" name="q" type="search" value="${d.picker.q}" autocomplete="off" hx-get="/requests" hx-trigger="input changed delay:300ms, search" hx-target="#rq-people" hx-select="#rq-people" hx-swap="outerHTML">
<button type="submit">${t('common.search')}</button></form>` : ''}
<form method="post" action="/requests" class="stack">${csrfField(d.csrf)}
${d.picker !== undefined ? html`<fieldset><legend>${t('requests.personPick')}</legend>${pickerChoices(d.picker, t)}</fieldset>` : html`<label for="rq-person">${t('requests.person')}</label><input id="rq-person" name="personId" required>`}
<label for="rq-item">${t('requests.item')}</label><select id="rq-item" name="item">${d.items.map((i) => html`<option value="${i.id}"${d.picker?.item === i.id ? html` selected` : ''}>${i.name}</option>`)}</select>
<label for="rq-just">${t('requests.justification')}</label><textarea id="rq-just" name="justification"></textarea>
<label for="rq-end">${t('requests.endDate')}</label><input id="rq-end" name="endDate" pattern="\\d{4}-\\d{2}-\\d{2}">
<button type="submit">${t('requests.submit')}</button></form></section>` : ''}
${d.delegations !== undefined ? delegationSection(d.delegations, d.csrf, t) : ''}`;
}

/** One request with its history and, for an approver, the decision form. */
export function requestView(d: { readonly request: AccessRequest; readonly decisions: readonly RequestDecision[]; readonly canDecide: boolean; readonly csrf: string }, t: Translate): Html {
  const r = d.request;
  return html`<p>#${r.id} · ${r.item} · ${t('requests.person')} ${r.personId} · ${t('requests.status')}: ${r.status}${r.endDate !== undefined ? html` · ${r.endDate}` : ''}</p>
<p>${t('requests.justification')}: ${r.justification}</p>
<section aria-labelledby="h-hist"><h2 id="h-hist">${t('requests.history')}</h2><ul>
<li>${r.createdAt}: ${r.requester}</li>
${d.decisions.map((x) => html`<li>${x.at}: ${x.approver} — ${x.decision}${x.comment !== '' ? html` (${x.comment})` : ''}</li>`)}
${r.note !== undefined && r.status !== 'approved' ? html`<li>${r.note}</li>` : ''}</ul></section>
${d.canDecide ? html`<form method="post" action="/requests/${r.id}/decide">${csrfField(d.csrf)}
<label for="rq-comment">${t('requests.comment')}</label><textarea id="rq-comment" name="comment"></textarea>
<button type="submit" name="decision" value="approve">${t('requests.approve')}</button>
<button type="submit" name="decision" value="reject" class="secondary">${t('requests.reject')}</button></form>` : ''}`;
}
