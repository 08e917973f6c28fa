/** Access reviews: the reviewer's inbox ("My reviews"), the admin's campaign list, and a campaign's report. */
import type { ReviewCampaign, ReviewItem } from '../../core/reviews/model.js';
import type { ReviewRow } from '../../core/reviews/report.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { timeTag } from './local-time.js';

/** What the reviews page shows. */
export interface ReviewsData {
  readonly mine: readonly { readonly campaign: ReviewCampaign; readonly items: readonly ReviewItem[] }[];
  /** Admins and auditors: every campaign with its progress. */
  readonly campaigns?: readonly { readonly campaign: ReviewCampaign; readonly decided: number; readonly total: number }[];
  /** Admins: templates to start ({id, name}). */
  readonly templates?: readonly { readonly id: string; readonly name: string }[];
  readonly canAdmin: boolean;
  readonly csrf: string;
  readonly timeZone: string;
  readonly notice?: 'saved' | 'started' | 'closed';
  readonly error?: string;
}

/** "rule sales" / "found in the target (unmanaged)". */
export function reasonLabel(it: Pick<ReviewItem, 'reasonKind' | 'reasonSource'>, t: Translate): string {
  return t(`reviews.kind.${it.reasonKind}` as MessageKey, { source: it.reasonSource });
}

const decisionLabel = (d: string | undefined, t: Translate): string => (d === 'keep' ? t('reviews.decided.keep') : d === 'remove' ? t('reviews.decided.remove') : t('reviews.undecided'));

function decideForm(it: ReviewItem, csrf: string, t: Translate): Html {
  const id = `c-${it.campaignId}-${it.seq}`;
  return html`<form method="post" action="/reviews/${encodeURIComponent(it.campaignId)}/items/${it.seq}" class="inline decide" data-item="${it.seq}">${csrfField(csrf)}
<label for="${id}" class="visually-hidden">${t('common.comment')}: ${it.personName}, ${it.entitlement}</label><input id="${id}" name="comment" type="text" maxlength="1000" placeholder="${t('common.comment')}" value="${it.comment ?? ''}">
<button type="submit" name="decision" value="keep" class="secondary" aria-label="${t('reviews.keep')}: ${it.personName}, ${it.entitlement}">${t('reviews.keep')}</button>
<button type="submit" name="decision" value="remove" aria-label="${t('reviews.removeIt')}: ${it.personName}, ${it.entitlement}">${t('reviews.removeIt')}</button></form>`;
}

function inbox(d: ReviewsData, t: Translate): Html {
  if (d.mine.length === 0) return html`<p>${t('reviews.nothing')}</p>`;
  return html`${d.mine.map(({ campaign: c, items }) => {
    const decided = items.filter((i) => i.decision !== undefined).length;
    return html`<section class="panel" aria-labelledby="m-${c.id}"><h3 id="m-${c.id}">${c.name}</h3>
<p><span class="progress" role="status">${t('reviews.progress', { decided, total: items.length })}</span> · ${t('reviews.deadline')}: ${timeTag(c.deadline, d.timeZone)}</p>
<div class="table-wrap"><table><caption class="visually-hidden">${c.name}</caption>
<thead><tr><th scope="col">${t('common.person')}</th><th scope="col">${t('reviews.department')}</th><th scope="col">${t('reviews.position')}</th><th scope="col">${t('common.target')}</th><th scope="col">${t('reviews.entitlement')}</th><th scope="col">${t('reviews.reason')}</th><th scope="col">${t('reviews.lastGranted')}</th><th scope="col">${t('reviews.decision')}</th><th scope="col"><span class="visually-hidden">${t('common.action')}</span></th></tr></thead>
<tbody>${items.map((it) => html`<tr data-entitlement="${it.entitlement}"><td>${it.personName} <span class="muted">(${it.personId})</span></td><td>${it.department ?? ''}</td><td>${it.position ?? ''}</td><td>${it.target}</td><td>${it.entitlement}</td>
<td>${reasonLabel(it, t)}<br><span class="muted">${it.reasonText}</span></td><td>${it.lastGrantedAt !== undefined ? timeTag(it.lastGrantedAt, d.timeZone) : t('reviews.unknown')}</td>
<td class="decision">${decisionLabel(it.decision, t)}${it.comment ? html`<br><span class="muted">${it.comment}</span>` : ''}</td><td>${decideForm(it, d.csrf, t)}</td></tr>`)}</tbody></table></div>
${decided < items.length ? html`<form method="post" action="/reviews/${encodeURIComponent(c.id)}/keep" class="inline">${csrfField(d.csrf)}<button type="submit" class="secondary">${t('reviews.keepAll')}</button></form>` : ''}
</section>`;
  })}`;
}

function campaignsList(d: ReviewsData, t: Translate): Html {
  const list = d.campaigns ?? [];
  return html`<section aria-labelledby="h-campaigns"><h2 id="h-campaigns">${t('reviews.campaigns')}</h2>
${list.length === 0 ? html`<p>${t('reviews.noCampaigns')}</p>` : html`<div class="table-wrap"><table><caption class="visually-hidden">${t('reviews.campaigns')}</caption>
<thead><tr><th scope="col">${t('reviews.template')}</th><th scope="col">${t('common.status')}</th><th scope="col">${t('reviews.deadline')}</th><th scope="col">${t('reviews.decision')}</th><th scope="col"><span class="visually-hidden">${t('common.action')}</span></th></tr></thead>
<tbody>${list.map(({ campaign: c, decided, total }) => html`<tr><td><a href="/reviews/${encodeURIComponent(c.id)}">${c.name}</a> <span class="muted">(${c.id})</span><br><span class="muted">${t('reviews.startedBy', { who: c.startedBy })}</span></td>
<td>${t(c.status === 'open' ? 'reviews.status.open' : 'reviews.status.closed')}</td><td>${timeTag(c.deadline, d.timeZone)}</td><td>${t('reviews.progress', { decided, total })}</td>
<td>${d.canAdmin && c.status === 'open' ? html`<form method="post" action="/reviews/${encodeURIComponent(c.id)}/close" class="inline">${csrfField(d.csrf)}<button type="submit" class="secondary" aria-label="${t('reviews.close')}: ${c.name}">${t('reviews.close')}</button></form>` : ''}</td></tr>`)}</tbody></table></div>`}
</section>`;
}

function startForm(d: ReviewsData, t: Translate): Html {
  const templates = d.templates ?? [];
  return html`<section aria-labelledby="h-start"><h2 id="h-start">${t('reviews.start')}</h2>
${templates.length === 0 ? html`<p>${t('reviews.noTemplates')}</p>` : html`<form method="post" action="/reviews" class="stack panel">${csrfField(d.csrf)}
<label for="rv-template">${t('reviews.template')}<select id="rv-template" name="template">${templates.map((x) => html`<option value="${x.id}">${x.name} (${x.id})</option>`)}</select></label>
<div><button type="submit">${t('reviews.start')}</button></div></form>`}</section>`;
}

/** The reviews page body. */
export function reviewsView(d: ReviewsData, t: Translate): Html {
  const notice = d.notice === 'saved' ? t('reviews.saved') : d.notice === 'started' ? t('reviews.started') : d.notice === 'closed' ? t('reviews.closed') : undefined;
  return html`${notice !== undefined ? html`<p class="notice ok" role="status">${notice}</p>` : ''}
${d.error !== undefined ? html`<p class="notice error" role="alert">${t('reviews.failed', { reason: d.error })}</p>` : ''}
<section aria-labelledby="h-mine"><h2 id="h-mine">${t('reviews.mine')}</h2><p>${t('reviews.mineIntro')}</p>${inbox(d, t)}</section>
<p><a href="/reviews/exceptions">${t('reviews.exceptionsLink')}</a></p>
${d.campaigns !== undefined ? campaignsList(d, t) : ''}
${d.canAdmin ? startForm(d, t) : ''}`;
}

/** A campaign's report page body. */
export function reviewReportView(d: { readonly campaign: ReviewCampaign; readonly rows: readonly ReviewRow[]; readonly timeZone: string }, t: Translate): Html {
  const c = d.campaign;
  const base = `/reviews/${encodeURIComponent(c.id)}`;
  return html`<p>${c.id} · ${t(c.status === 'open' ? 'reviews.status.open' : 'reviews.status.closed')} · ${t('reviews.startedBy', { who: c.startedBy })} · ${t('reviews.deadline')}: ${timeTag(c.deadline, d.timeZone)}</p>
<p>${t('reviews.export')}: <a href="${base}/export.csv">CSV</a> · <a href="${base}/export.json">JSON</a></p>
<div class="table-wrap"><table><caption class="visually-hidden">${t('reviews.report')}</caption>
<thead><tr><th scope="col">#</th><th scope="col">${t('common.person')}</th><th scope="col">${t('reviews.department')}</th><th scope="col">${t('common.target')}</th><th scope="col">${t('reviews.entitlement')}</th><th scope="col">${t('reviews.reason')}</th><th scope="col">${t('reviews.reviewer')}</th><th scope="col">${t('reviews.decision')}</th><th scope="col">${t('reviews.decidedBy')}</th><th scope="col">${t('reviews.decidedAt')}</th><th scope="col">${t('common.comment')}</th><th scope="col">${t('reviews.flag')}</th><th scope="col">${t('reviews.liftedCol')}</th></tr></thead>
<tbody>${d.rows.map((r) => html`<tr><td>${r.item}</td><td><a href="/persons/${encodeURIComponent(r.personId)}">${r.person}</a></td><td>${r.department}</td><td>${r.target}</td><td>${r.entitlement}</td><td>${r.reason}${r.source ? ` ${r.source}` : ''}</td><td>${r.reviewer}</td>
<td class="decision">${decisionLabel(r.decision || undefined, t)}</td><td>${r.decidedBy}</td><td>${r.decidedAt !== '' ? timeTag(r.decidedAt, d.timeZone) : ''}</td><td>${r.comment}</td><td>${r.flag}</td><td>${r.liftedBy !== '' ? html`${r.liftedBy}, ${timeTag(r.liftedAt, d.timeZone)}: ${r.liftReason}` : ''}</td></tr>`)}</tbody></table></div>`;
}
