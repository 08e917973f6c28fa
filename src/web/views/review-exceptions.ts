/** Review exceptions: access a closed campaign removed and keeps removed although a rule grants it, for the rule's owner and admins. */
import type { ExceptionEntry } from '../../engine/access-exceptions.js';
import type { Translate } from '../i18n/index.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { reasonLabel } from './reviews.js';

/** What the exceptions page shows. */
export interface ReviewExceptionsData {
  readonly entries: readonly ExceptionEntry[];
  /** Admins may lift an exception. */
  readonly canLift: boolean;
  readonly csrf: string;
  readonly notice?: 'lifted';
  readonly error?: string;
}

function liftForm(x: ExceptionEntry, csrf: string, t: Translate): Html {
  const id = `lift-${x.campaign.id}-${x.item.seq}`;
  return html`<form method="post" action="/reviews/${encodeURIComponent(x.campaign.id)}/items/${x.item.seq}/lift" class="inline lift">${csrfField(csrf)}
<label for="${id}" class="visually-hidden">${t('reviews.liftReason')}: ${x.item.personName}, ${x.item.entitlement}</label><input id="${id}" name="reason" type="text" maxlength="1000" required placeholder="${t('reviews.liftReason')}">
<button type="submit" class="secondary" aria-label="${t('reviews.lift')}: ${x.item.personName}, ${x.item.entitlement}">${t('reviews.lift')}</button></form>`;
}

/** The exceptions page body. */
export function reviewExceptionsView(d: ReviewExceptionsData, t: Translate): Html {
  return html`${d.notice === 'lifted' ? html`<p class="notice ok" role="status">${t('reviews.lifted')}</p>` : ''}
${d.error !== undefined ? html`<p class="notice error" role="alert">${t('reviews.failed', { reason: d.error })}</p>` : ''}
<p>${t('reviews.exceptionsIntro')}</p>
${d.entries.length === 0 ? html`<p>${t('reviews.noExceptions')}</p>` : html`<div class="table-wrap"><table><caption class="visually-hidden">${t('reviews.exceptionsTitle')}</caption>
<thead><tr><th scope="col">${t('common.person')}</th><th scope="col">${t('common.target')}</th><th scope="col">${t('reviews.entitlement')}</th><th scope="col">${t('reviews.reason')}</th><th scope="col">${t('reviews.owner')}</th><th scope="col">${t('reviews.decision')}</th>${d.canLift ? html`<th scope="col"><span class="visually-hidden">${t('common.action')}</span></th>` : ''}</tr></thead>
<tbody>${d.entries.map((x) => html`<tr data-entitlement="${x.item.entitlement}"><td><a href="/persons/${encodeURIComponent(x.item.personId)}">${x.item.personName}</a> <span class="muted">(${x.item.personId})</span></td><td>${x.item.target}</td><td>${x.item.entitlement}</td>
<td>${reasonLabel(x.item, t)}</td><td>${x.owner}</td><td>${x.detail}<br><a href="/reviews/${encodeURIComponent(x.campaign.id)}">${x.campaign.name}</a></td>${d.canLift ? html`<td>${liftForm(x, d.csrf, t)}</td>` : ''}</tr>`)}</tbody></table></div>`}`;
}
