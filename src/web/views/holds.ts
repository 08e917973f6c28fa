/** Holds: the list with remove buttons, and the form to add one. */
import type { Hold } from '../../core/model.js';
import type { Translate } from '../i18n/index.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';

/** What the holds page shows. */
export interface HoldsData {
  readonly holds: readonly { readonly hold: Hold; readonly active: boolean; readonly name?: string }[];
  readonly targets: readonly string[];
  readonly canEdit: boolean;
  readonly csrf: string;
  readonly notice?: 'added' | 'removed';
  readonly error?: string;
  /** Values to keep in the form after an error. */
  readonly form?: Readonly<Record<string, string>>;
}

function removeForm(h: Hold, csrf: string, t: Translate): Html {
  return html`<form method="post" action="/holds/remove" class="inline">${csrfField(csrf)}
<input type="hidden" name="personId" value="${h.personId}">${h.target !== undefined ? html`<input type="hidden" name="target" value="${h.target}">` : ''}
<button type="submit" class="secondary" aria-label="${t('common.remove')}: ${h.personId} ${h.target ?? t('common.everyTarget')}">${t('common.remove')}</button></form>`;
}

function addForm(d: HoldsData, t: Translate): Html {
  const f = d.form ?? {};
  return html`<form method="post" action="/holds" class="stack panel">
${csrfField(d.csrf)}
<label for="hold-person">${t('common.person')} (${t('persons.id')})<input id="hold-person" name="personId" type="text" required value="${f.personId ?? ''}"></label>
<label for="hold-target">${t('common.target')}<select id="hold-target" name="target">
  <option value="">${t('common.everyTarget')}</option>${d.targets.map((x) => html`<option value="${x}"${f.target === x ? html` selected` : ''}>${x}</option>`)}
</select></label>
<label for="hold-reason">${t('common.reason')}<input id="hold-reason" name="reason" type="text" required maxlength="500" value="${f.reason ?? ''}"></label>
<label for="hold-until">${t('holds.until')}<input id="hold-until" name="until" type="date" value="${f.until ?? ''}"></label>
<div><input id="hold-disable" name="disable" type="checkbox" value="1"${f.disable === '1' ? html` checked` : ''}> <label for="hold-disable">${t('holds.disable')}</label></div>
<div><button type="submit">${t('common.add')}</button></div>
</form>`;
}

/** The holds page body. */
export function holdsView(d: HoldsData, t: Translate): Html {
  return html`<p>${t('holds.explain')}</p>
${d.notice === 'added' ? html`<p class="notice ok" role="status">${t('holds.added')}</p>` : d.notice === 'removed' ? html`<p class="notice ok" role="status">${t('holds.removed')}</p>` : ''}
${d.error !== undefined ? html`<p class="notice error" role="alert">${t('holds.failed', { reason: d.error })}</p>` : ''}
<section aria-labelledby="h-list"><h2 id="h-list">${t('holds.list')}</h2>
${d.holds.length === 0 ? html`<p>${t('holds.none')}</p>` : html`<div class="table-wrap"><table><caption class="visually-hidden">${t('holds.list')}</caption>
<thead><tr><th scope="col">${t('common.person')}</th><th scope="col">${t('common.target')}</th><th scope="col">${t('common.reason')}</th><th scope="col">${t('holds.by')}</th><th scope="col">${t('common.when')}</th>${d.canEdit ? html`<th scope="col"><span class="visually-hidden">${t('common.remove')}</span></th>` : ''}</tr></thead>
<tbody>${d.holds.map(({ hold: h, active, name }) => html`<tr><td><a href="/persons/${encodeURIComponent(h.personId)}">${name ?? h.personId}</a> <span class="muted">(${h.personId})</span></td>
<td>${h.target ?? t('common.everyTarget')}</td><td>${h.reason}${h.disable === true ? html` <span class="badge warn">${t('holds.keptDisabled')}</span>` : ''}${active ? '' : html` <span class="badge">${t('holds.expired')}</span>`}</td>
<td>${h.actor}</td><td>${h.createdAt.slice(0, 10)}${h.until !== undefined ? ` → ${h.until.slice(0, 10)}` : ''}</td>${d.canEdit ? html`<td>${removeForm(h, d.csrf, t)}</td>` : ''}</tr>`)}</tbody></table></div>`}
</section>
${d.canEdit ? html`<section aria-labelledby="h-add"><h2 id="h-add">${t('holds.add')}</h2>${addForm(d, t)}</section>` : ''}`;
}
