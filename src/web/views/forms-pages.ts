/**
 * The helpdesk form pages, one per form type. Each posts to its own URL (`/persons/:id/forms/:formId`) with the
 * target as a field; the server re-checks everything, so nothing here is a security boundary, only a convenience.
 * A typed password is never rendered back into a page.
 */
import type { DisableForm, EditForm, FormConfig, GroupsForm, ResetPasswordForm } from '../../config/schema-forms.js';
import type { PersonAccount } from '../../engine/helpdesk/index.js';
import type { Lang, Translate } from '../i18n/index.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { accountLabel, accountsTable, backLink, errorNotice, formPath, localized, valueText, type FormError, type PersonRef } from './forms.js';

/** Everything a form page needs. */
export interface FormPageData {
  readonly person: PersonRef;
  readonly form: FormConfig;
  /** Target acted in; `undefined` = every target of the form (a person-wide temporary disable). */
  readonly target: string | undefined;
  /** The person's account in the target (absent for a person-wide disable). */
  readonly account?: PersonAccount;
  /** Every account of the person (the disable page shows them all). */
  readonly accounts: readonly PersonAccount[];
  readonly csrf: string;
  readonly lang: Lang;
  readonly timeZone: string;
  /** Lower-case names of the attributes the target's rules set (an edit of one becomes an override). */
  readonly mapped: ReadonlySet<string>;
  /** The temporary disable in force (disable forms). */
  readonly hold?: { readonly reason: string; readonly actor: string; readonly until?: string };
  readonly error?: FormError;
  /** Values to show again after a refusal (never a password). */
  readonly values?: Readonly<Record<string, string>>;
  /** Today in the lifecycle time zone (`YYYY-MM-DD`), the earliest `until`. */
  readonly today: string;
  /** The latest `until` the form allows. */
  readonly lastDay?: string;
  /** One-time token of a reset form (a resubmission resets nothing). */
  readonly once?: string;
}

/** A post form around a form type's fields. */
function shell(d: FormPageData, fields: Html, submit: string, extra: { readonly op?: string; readonly danger?: boolean } = {}): Html {
  return html`<form method="post" action="${formPath(d.person.id, d.form.id)}" class="stack panel helpdesk-form" data-form="${d.form.id}">
  ${csrfField(d.csrf)}
  <input type="hidden" name="target" value="${d.target ?? '*'}">
  ${extra.op !== undefined ? html`<input type="hidden" name="op" value="${extra.op}">` : ''}
  ${d.once !== undefined ? html`<input type="hidden" name="once" value="${d.once}">` : ''}
  ${fields}
  <div><button type="submit"${extra.danger ? html` class="danger"` : ''}>${submit}</button></div>
</form>`;
}

const reasonField = (d: FormPageData, t: Translate, o: { readonly required?: boolean; readonly id?: string } = {}): Html => {
  const id = o.id ?? 'reason';
  return html`<label for="${id}">${t('forms.reason')}
    <input id="${id}" name="reason" type="text" maxlength="300" value="${d.values?.['reason'] ?? ''}"${o.required ? html` required` : ''}></label>`;
};

function resetFields(d: FormPageData, form: ResetPasswordForm, t: Translate): Html {
  const pw = form.password;
  const typedInput = html`<label for="password">${t('forms.reset.password')}
    <input id="password" name="password" type="password" autocomplete="new-password" spellcheck="false"${pw.generate ? '' : html` required`}></label>
  <p class="muted">${t('forms.reset.passwordHint', { target: d.target ?? '' })}</p>`;
  const mode = pw.generate && pw.allowTyped
    ? html`<fieldset><legend>${t('forms.reset.password')}</legend>
    <label class="choice"><input type="radio" name="mode" value="generated"${d.values?.['mode'] !== 'typed' ? html` checked` : ''}> ${t('forms.reset.generated')}</label>
    <label class="choice"><input type="radio" name="mode" value="typed"${d.values?.['mode'] === 'typed' ? html` checked` : ''}> ${t('forms.reset.typed')}</label>
    ${typedInput}</fieldset>`
    : pw.allowTyped ? html`<input type="hidden" name="mode" value="typed">${typedInput}` : html`<input type="hidden" name="mode" value="generated"><p>${t('forms.reset.generated')}.</p>`;
  const must = pw.mustChange === 'ask'
    ? html`<input type="hidden" name="mustChangeAsked" value="1">
    <label class="choice"><input type="checkbox" id="mustChange" name="mustChange" value="1"${d.values?.['mustChangeAsked'] === '1' && d.values['mustChange'] !== '1' ? '' : html` checked`}> ${t('forms.reset.mustChange')}</label>`
    : html`<p>${pw.mustChange ? t('forms.reset.mustChangeAlways') : t('forms.reset.mustChangeNever')}</p>`;
  return html`${mode}${must}`;
}

function unlockFields(d: FormPageData, t: Translate): Html {
  const s = d.account?.status;
  return html`<p id="lock-state" data-locked="${s?.locked ? 'true' : 'false'}">${s?.locked ? t('forms.unlock.locked') : t('forms.unlock.notLocked')}</p>`;
}

function editFields(d: FormPageData, form: EditForm, t: Translate): Html {
  const attrs = d.account?.attributes ?? {};
  const current = (name: string): string => {
    const key = Object.keys(attrs).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? '' : valueText(attrs[key]);
  };
  const fields = form.attributes.map((name, i) => {
    const id = `attr-${i}`;
    const now = current(name);
    const shown = d.values?.[`attr.${name}`] ?? now;
    const mapped = d.mapped.has(name.toLowerCase());
    return html`<div class="field">
    <label for="${id}">${name}
      <input id="${id}" name="attr.${name}" type="text" maxlength="1024" value="${shown}" aria-describedby="${id}-hint"></label>
    <p class="muted small" id="${id}-hint">${t('forms.edit.current', { value: now === '' ? t('forms.edit.empty') : now })}${mapped ? html`<br><span class="override-note">${form.overrideDays !== undefined ? t('forms.edit.overrideExpiry', { days: form.overrideDays }) : t('forms.edit.override')}</span>` : ''}</p>
  </div>`;
  });
  return html`<p class="muted">${t('forms.edit.clearHint')}</p>${fields}${reasonField(d, t)}`;
}

function groupsFields(d: FormPageData, form: GroupsForm, t: Translate): Html {
  const has = new Set((d.account?.entitlements ?? []).map((e) => e.toLowerCase()));
  const boxes = form.groups.map((g, i) => html`<label class="choice" for="group-${i}"><input type="checkbox" id="group-${i}" name="group" value="${g}"${has.has(g.toLowerCase()) ? html` checked` : ''}> ${g}</label>`);
  return html`<fieldset><legend>${t('forms.type.groups')}</legend>
  <p class="muted">${t('forms.groups.intro')}${form.overrideDays !== undefined ? html` ${t('forms.groups.expiry', { days: form.overrideDays })}` : ''}</p>
  ${boxes}</fieldset>${reasonField(d, t)}`;
}

function disableBody(d: FormPageData, form: DisableForm, t: Translate): Html {
  if (d.hold) {
    const until = d.hold.until ? t('forms.disable.untilText', { until: d.hold.until }) : '';
    return html`<p class="notice" role="status" id="hold-state">${t('forms.disable.active', { reason: d.hold.reason, actor: d.hold.actor, until })}</p>
${shell(d, reasonField(d, t, { id: 'enable-reason' }), t('forms.disable.enable'), { op: 'enable' })}`;
  }
  const fields = html`<p>${t('forms.disable.intro')}</p>
  ${reasonField(d, t, { required: true })}
  <label for="until">${t('forms.disable.until')}
    <input id="until" name="until" type="date" min="${d.today}"${d.lastDay !== undefined ? html` max="${d.lastDay}"` : ''} value="${d.values?.['until'] ?? ''}"></label>
  ${form.maxDays !== undefined ? html`<p class="muted">${t('forms.disable.maxDays', { days: form.maxDays })}</p>` : ''}`;
  return shell(d, fields, t('forms.disable.submit'), { op: 'disable', danger: true });
}

/** The page of one form for one person (and target). */
export function formPageView(d: FormPageData, t: Translate): Html {
  const f = d.form;
  const description = localized(f.description, d.lang);
  let body: Html;
  switch (f.type) {
    case 'resetPassword': body = shell(d, resetFields(d, f, t), t('forms.reset.submit')); break;
    case 'unlock': body = shell(d, unlockFields(d, t), t('forms.unlock.submit')); break;
    case 'edit': body = shell(d, editFields(d, f, t), t('forms.edit.submit')); break;
    case 'groups': body = shell(d, groupsFields(d, f, t), t('forms.groups.submit')); break;
    case 'disable': body = disableBody(d, f, t); break;
  }
  const shown = d.account ? [d.account] : d.accounts;
  return html`${d.error ? errorNotice(d.error, t) : ''}
<p class="lead">${d.person.name} (${d.person.id})${d.account ? html` · ${accountLabel(d.account)} ${t('forms.in', { target: d.account.target })}` : ''}</p>
${description !== undefined ? html`<p>${description}</p>` : ''}
${accountsTable(shown, d, t)}
${body}
${backLink(d.person, t)}`;
}

/** Choose the target of a form that acts in more than one. */
export function chooseTargetView(d: { readonly person: PersonRef; readonly formId: string; readonly targets: readonly string[]; readonly everyTarget: boolean }, t: Translate): Html {
  const links = d.targets.map((target) => html`<li><a href="${formPath(d.person.id, d.formId, target)}">${target}</a></li>`);
  return html`<h2>${t('forms.chooseTarget')}</h2><ul>${links}${d.everyTarget ? html`<li><a href="${formPath(d.person.id, d.formId, '*')}">${t('forms.disable.everyTarget')}</a></li>` : ''}</ul>${backLink(d.person, t)}`;
}
