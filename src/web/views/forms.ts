/**
 * Helpdesk views: the person search (`/forms`), a person's accounts and the forms available for them
 * (`/persons/:id/forms`), the result pages, and the shared pieces of the form pages (forms-pages.ts). Pure
 * functions of their data; every value goes through the escaping `html` template.
 */
import type { FormConfig, FormType } from '../../config/schema-forms.js';
import type { AttrValue } from '../../core/model.js';
import type { AvailableForm, PersonAccount } from '../../engine/helpdesk/index.js';
import type { Lang, MessageKey, Translate } from '../i18n/index.js';
import { formsEn } from '../i18n/forms-en.js';
import { html, query, type Html } from './html.js';

/** A person as the helpdesk pages show them. */
export interface PersonRef {
  readonly id: string;
  readonly name: string;
  readonly department?: string;
  readonly email?: string;
  readonly status?: string;
}

/** Text in the UI language: one string, or `{ en, de, … }` (English, then any, as fallback). */
export function localized(text: string | Readonly<Record<string, string>> | undefined, lang: Lang): string | undefined {
  if (text === undefined || typeof text === 'string') return text;
  return text[lang] ?? text['en'] ?? Object.values(text)[0];
}

/** A form's title: the config's `title` in the UI language, else the name of its type. */
export function formTitle(form: Pick<FormConfig, 'title' | 'type'>, lang: Lang, t: Translate): string {
  return localized(form.title, lang) ?? t(`forms.type.${form.type}` as MessageKey);
}

/** The account's name for people: sAMAccountName, UPN, mail nickname, else the anchor. */
export function accountLabel(a: Pick<PersonAccount, 'attributes' | 'anchor'>): string {
  for (const k of ['sAMAccountName', 'userPrincipalName', 'mailNickname', 'username', 'mail']) {
    const v = a.attributes[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return a.anchor;
}

/** An attribute value as text (lists joined). */
export function valueText(v: AttrValue | undefined): string {
  if (v === null || v === undefined) return '';
  return Array.isArray(v) ? v.join(', ') : String(v);
}

/** An instant in the UI language and the lifecycle time zone. */
export function when(iso: string, lang: Lang, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
}

/** The path of a form page (and the action of its form). */
export function formPath(personId: string, formId: string, target?: string): string {
  return `/persons/${encodeURIComponent(personId)}/forms/${encodeURIComponent(formId)}${target !== undefined ? query({ target }) : ''}`;
}

/** The path of a person's helpdesk page. */
export const personFormsPath = (personId: string): string => `/persons/${encodeURIComponent(personId)}/forms`;

/** A refusal or failure to show: the service's code and (English, password-free) message. */
export interface FormError {
  readonly code: string;
  readonly message: string;
  readonly refused: boolean;
  /** Password policy problems (codes), when the service named them. */
  readonly problems?: readonly string[];
}

/** The localized sentence for an error code. */
export function errorText(code: string, t: Translate): string {
  const key = `forms.err.${code}`;
  if (key in formsEn) return t(key as MessageKey);
  if (code.startsWith('HELPDESK_TARGET_')) return t('forms.err.target', { code: code.slice('HELPDESK_TARGET_'.length) });
  return t('forms.err.other', { code });
}

/** The error notice on a form page. */
export function errorNotice(e: FormError, t: Translate): Html {
  const problems = (e.problems ?? []).map((p) => `forms.pw.${p}`).filter((k) => k in formsEn).map((k) => t(k as MessageKey));
  return html`<div class="notice error" role="alert" id="form-error" data-code="${e.code}">
  <p><strong>${e.refused ? t('forms.refused') : t('forms.failed')}</strong> ${errorText(e.code, t)}${problems.length > 0 ? html` (${problems.join('; ')})` : ''}</p>
  <p class="muted small">${t('forms.detail', { message: e.message })}</p>
</div>`;
}

/** `/forms`: search for a person. */
export function searchView(d: { readonly q: string; readonly results: readonly PersonRef[]; readonly more: boolean }, t: Translate): Html {
  const list = d.results.map((p) => html`<li><a href="${personFormsPath(p.id)}">${p.name}</a> <span class="muted">(${p.id}${p.department ? html`, ${p.department}` : ''}${p.email ? html`, ${p.email}` : ''})</span></li>`);
  return html`<p>${t('forms.intro')}</p>
<form method="get" action="/forms" class="row" role="search">
  <label for="q">${t('forms.search')}
    <input id="q" name="q" type="search" value="${d.q}" autocomplete="off" spellcheck="false"></label>
  <button type="submit">${t('common.search')}</button>
</form>
<section id="results" aria-live="polite">
${d.q === '' ? '' : d.results.length === 0 ? html`<p>${t('forms.noResults')}</p>` : html`<ul class="results">${list}</ul>`}
${d.more ? html`<p class="muted">${t('forms.more', { count: d.results.length })}</p>` : ''}
</section>`;
}

/** The accounts table (state from the store, lock and password state live). */
export function accountsTable(accounts: readonly PersonAccount[], d: { readonly lang: Lang; readonly timeZone: string }, t: Translate): Html {
  if (accounts.length === 0) return html`<p>${t('forms.noAccounts')}</p>`;
  const rows = accounts.map((a) => {
    const s = a.status;
    const lock = s === undefined ? (a.statusError !== undefined ? html`<span class="muted">${t('forms.statusUnknown', { code: a.statusError })}</span>` : '—')
      : s.locked ? html`<span class="badge bad">${t('forms.locked')}</span>${s.lockedUntil ? html` <span class="muted">${t('forms.lockedUntil', { until: when(s.lockedUntil, d.lang, d.timeZone) })}</span>` : ''}`
        : html`<span class="badge ok">${t('forms.notLocked')}</span>`;
    const enabled = (s?.enabled ?? a.enabled) ? html`<span class="badge ok">${t('forms.enabled')}</span>` : html`<span class="badge bad">${t('forms.disabled')}</span>`;
    return html`<tr data-target="${a.target}">
  <td>${a.target}</td><td>${accountLabel(a)}</td><td>${enabled}</td><td>${lock}</td>
  <td>${s === undefined ? '—' : s.mustChangePassword ? t('common.yes') : t('common.no')}</td>
  <td>${s?.passwordLastSet ? when(s.passwordLastSet, d.lang, d.timeZone) : '—'}</td>
</tr>`;
  });
  return html`<div class="table-wrap"><table class="accounts">
<caption>${t('forms.accounts')}</caption>
<thead><tr><th scope="col">${t('common.target')}</th><th scope="col">${t('forms.account')}</th><th scope="col">${t('common.status')}</th><th scope="col">${t('forms.locked')}</th><th scope="col">${t('forms.mustChange')}</th><th scope="col">${t('forms.passwordLastSet')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

/** `/persons/:id/forms`: the person's accounts and the forms the principal may use on them. */
export function personFormsView(d: {
  readonly person: PersonRef;
  readonly accounts: readonly PersonAccount[];
  readonly forms: readonly (AvailableForm & { readonly label: string })[];
  readonly lang: Lang;
  readonly timeZone: string;
}, t: Translate): Html {
  const links = d.forms.map((f) => html`<li class="form-link" data-form="${f.id}" data-type="${f.type}">${f.label}: ${f.targets.map((target, i) => html`${i > 0 ? ', ' : ''}<a href="${formPath(d.person.id, f.id, target)}">${t('forms.in', { target })}</a>`)}</li>`);
  return html`<dl class="facts panel"><dt>${t('common.person')}</dt><dd>${d.person.name} (${d.person.id})</dd>
${d.person.department ? html`<dt>${t('forms.department')}</dt><dd>${d.person.department}</dd>` : ''}
${d.person.email ? html`<dt>${t('forms.email')}</dt><dd>${d.person.email}</dd>` : ''}</dl>
${accountsTable(d.accounts, d, t)}
<h2>${t('forms.available')}</h2>
${d.forms.length === 0 ? html`<p>${t('forms.noForms')}</p>` : html`<ul class="forms">${links}</ul>`}
<p><a href="/forms">${t('forms.backToSearch')}</a></p>`;
}

/** Links back to the person's helpdesk page. */
export function backLink(person: PersonRef, t: Translate): Html {
  return html`<p><a href="${personFormsPath(person.id)}">${t('forms.back', { name: person.name })}</a></p>`;
}

/** What a result page says. */
export type FormResult =
  | { readonly type: 'resetPassword'; readonly account: string; readonly target: string; readonly password: string; readonly mustChange: boolean }
  | { readonly type: 'unlock'; readonly account: string; readonly target: string; readonly wasLocked?: boolean }
  | { readonly type: 'edit'; readonly account: string; readonly target: string; readonly overrides: readonly string[] }
  | { readonly type: 'disable'; readonly target: string; readonly until?: string }
  | { readonly type: 'enable'; readonly target: string; readonly enabled: boolean }
  | { readonly type: 'groups'; readonly account: string; readonly target: string; readonly added: readonly string[]; readonly removed: readonly string[] };

/** The page after a successful submission. The new password appears here once and nowhere else. */
export function resultView(r: FormResult, person: PersonRef, t: Translate): Html {
  let body: Html;
  switch (r.type) {
    case 'resetPassword':
      body = html`<p class="notice ok" role="status">${t('forms.reset.done', { account: r.account, target: r.target })} ${r.mustChange ? t('forms.reset.mustChangeDone') : t('forms.reset.noMustChangeDone')}</p>
<div class="panel secret">
  <p><strong>${t('forms.reset.once')}</strong></p>
  <p class="password-row"><label for="new-password">${t('forms.reset.password')}</label>
    <output id="new-password" class="password" aria-live="off">${r.password}</output>
    <button type="button" class="secondary copy" data-copy="new-password" hidden>${t('forms.reset.copy')}</button></p>
  <p class="muted">${t('forms.reset.copyHint')}</p>
</div>`;
      break;
    case 'unlock':
      body = html`<p class="notice ok" role="status">${t('forms.unlock.done', { account: r.account, target: r.target })}${r.wasLocked === false ? html` ${t('forms.unlock.wasNotLocked')}` : ''}</p>`;
      break;
    case 'edit':
      body = html`<p class="notice ok" role="status">${t('forms.edit.done', { account: r.account, target: r.target })}${r.overrides.length > 0 ? html` ${t('forms.edit.overridesKept', { attributes: r.overrides.join(', ') })}` : ''}</p>`;
      break;
    case 'disable':
      body = html`<p class="notice ok" role="status">${t('forms.disable.done', { until: r.until ? t('forms.disable.untilText', { until: r.until }) : '' })}</p>`;
      break;
    case 'enable':
      body = html`<p class="notice ok" role="status">${r.enabled ? t('forms.disable.enabled') : t('forms.disable.enabledNot')}</p>`;
      break;
    case 'groups':
      body = html`<p class="notice ok" role="status">${t('forms.groups.done', { account: r.account, target: r.target })}
${r.added.length > 0 ? html` ${t('forms.groups.added', { groups: r.added.join(', ') })}` : ''}${r.removed.length > 0 ? html` ${t('forms.groups.removed', { groups: r.removed.join(', ') })}` : ''}</p>`;
      break;
  }
  return html`<div id="form-result" data-type="${r.type}">${body}</div>${backLink(person, t)}`;
}

/** The nav title of a form type. */
export const typeTitle = (type: FormType, t: Translate): string => t(`forms.type.${type}` as MessageKey);
