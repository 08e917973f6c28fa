/** "My people": a manager's direct and transitive reports, what each one has and why, and a request button each. */
import { displayName } from '../../core/person-search.js';
import type { MyPeoplePage, MyPerson, PersonAccess } from '../../engine/requests/people.js';
import type { Translate } from '../i18n/index.js';
import { html, query, type Html } from './html.js';

const why = (a: PersonAccess, t: Translate): string => {
  switch (a.why) {
    case 'rule': return t('people.why.rule', { source: a.source });
    case 'request': return t('people.why.request', { source: a.source });
    case 'review': return t('people.why.review');
    case 'manual': return t('people.why.manual');
    case 'unmanaged': return t('people.why.unmanaged');
    default: return t('people.why.ungranted');
  }
};

function personCard(m: MyPerson, t: Translate, canRequest: boolean): Html {
  const p = m.person;
  const hid = `pp-${p.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const rel = m.depth === 1 || m.manager === undefined ? t('people.direct') : t('people.via', { name: displayName(m.manager) });
  const facts = [p.department, p.position].filter((x): x is string => x !== undefined && x !== '').join(' · ');
  const list = m.error !== undefined
    ? html`<p class="notice error">${t('people.explainError', { error: m.error })}</p>`
    : m.access.length === 0 ? html`<p>${t('people.nothing')}</p>` : html`<div class="table-wrap"><table><caption class="visually-hidden">${t('people.accessOf', { name: displayName(p) })}</caption>
<thead><tr><th scope="col">${t('common.target')}</th><th scope="col">${t('persons.entitlement')}</th><th scope="col">${t('people.why')}</th><th scope="col">${t('people.state')}</th></tr></thead>
<tbody>${m.access.map((a) => html`<tr data-why="${a.why}"><td>${a.target}</td><td>${a.entitlement}</td><td>${why(a, t)}${a.detail !== '' ? html`<br><small>${a.detail}</small>` : ''}</td><td>${a.held ? t('people.held') : t('people.pending')}</td></tr>`)}</tbody></table></div>`;
  return html`<article class="person-access" data-person="${p.id}" aria-labelledby="${hid}" data-depth="${m.depth}">
<h2 id="${hid}"><a href="/persons/${encodeURIComponent(p.id)}">${displayName(p)}</a></h2>
<p>${rel}${facts !== '' ? html` · ${facts}` : ''}</p>
${list}
${canRequest ? html`<form method="get" action="/requests"><input type="hidden" name="personId" value="${p.id}"><button type="submit" aria-describedby="${hid}">${t('people.request')}</button></form>` : ''}
</article>`;
}

/** The page body. */
export function peopleView(d: { readonly page: MyPeoplePage; readonly canRequest: boolean }, t: Translate): Html {
  const { people, total, offset, limit } = d.page;
  if (total === 0) return html`<p>${t('people.none')}</p>`;
  const pager = total > limit ? html`<nav class="pager" aria-label="${t('people.pages')}">
${offset > 0 ? html`<a href="/people${query({ offset: Math.max(offset - limit, 0) })}">${t('people.prev')}</a>` : ''}
<span>${t('people.range', { from: offset + 1, to: Math.min(offset + limit, total), total })}</span>
${offset + limit < total ? html`<a href="/people${query({ offset: offset + limit })}">${t('people.next')}</a>` : ''}</nav>` : '';
  return html`<p>${t('people.intro', { total })}</p>
${pager}
${people.map((m) => personCard(m, t, d.canRequest))}
${pager}`;
}
