/** Views of catalogue requests: the requests page (inbox, my requests, request form) and one request's detail. */
import type { AccessRequest, RequestDecision } from '../../store/types.js';
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
}

const row = (r: AccessRequest): Html => html`<tr><td><a href="/requests/${r.id}">#${r.id}</a></td><td>${r.item}</td><td>${r.personId}</td><td>${r.status}</td><td>${r.endDate ?? ''}</td></tr>`;
const table = (list: readonly AccessRequest[], t: Translate): Html => list.length === 0 ? html`<p>${t('requests.nothing')}</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">#</th><th scope="col">${t('requests.item')}</th><th scope="col">${t('requests.person')}</th><th scope="col">${t('requests.status')}</th><th scope="col">${t('requests.endDate')}</th></tr></thead>
<tbody>${list.map(row)}</tbody></table></div>`;

/** The requests page body. */
export function requestsView(d: RequestsData, t: Translate): Html {
  return html`${d.notice !== undefined ? html`<p class="notice ok" role="status">${d.notice}</p>` : ''}
${d.error !== undefined ? html`<p class="notice error" role="alert">${t('requests.refused', { reason: d.error })}</p>` : ''}
<section aria-labelledby="h-inbox"><h2 id="h-inbox">${t('requests.inbox')}</h2>${table(d.inbox, t)}</section>
<section aria-labelledby="h-mine"><h2 id="h-mine">${t('requests.mine')}</h2>${table(d.mine, t)}</section>
${d.items.length > 0 ? html`<section aria-labelledby="h-new"><h2 id="h-new">${t('requests.new')}</h2>
<form method="post" action="/requests">${csrfField(d.csrf)}
<label for="rq-item">${t('requests.item')}</label><select id="rq-item" name="item">${d.items.map((i) => html`<option value="${i.id}">${i.name}</option>`)}</select>
<label for="rq-person">${t('requests.person')}</label><input id="rq-person" name="personId" required>
<label for="rq-just">${t('requests.justification')}</label><textarea id="rq-just" name="justification"></textarea>
<label for="rq-end">${t('requests.endDate')}</label><input id="rq-end" name="endDate" pattern="\\d{4}-\\d{2}-\\d{2}">
<button type="submit">${t('requests.submit')}</button></form></section>` : ''}`;
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
