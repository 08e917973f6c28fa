/** Views of the new hire credentials: the waiting list with a "show once" button each, and the one-time reveal. */
import type { WaitingCredential } from '../../engine/credentials/vault.js';
import type { FirstCredential } from '../../store/types.js';
import type { Translate } from '../i18n/index.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { timeTag } from './local-time.js';

/** Data of the list page. */
export interface CredentialsData {
  readonly waiting: readonly WaitingCredential[];
  readonly csrf: string;
  readonly timeZone: string;
  readonly showForDays: number;
}

const kind = (c: FirstCredential, t: Translate): string => t(c.kind === 'tap' ? 'credentials.kind.tap' : 'credentials.kind.password');

/** The list page body. */
export function credentialsView(d: CredentialsData, t: Translate): Html {
  const rows = d.waiting.map((c) => html`<tr><td>${c.personName}</td><td>${c.hireDate ?? ''}</td><td>${c.target}</td><td>${kind(c, t)}</td><td>${c.login}</td>
<td>${c.validFrom !== undefined ? timeTag(c.validFrom, d.timeZone) : ''}</td><td>${timeTag(c.expiresAt, d.timeZone)}</td>
<td><form method="post" action="/credentials/${encodeURIComponent(c.id)}/reveal" class="inline">${csrfField(d.csrf)}<button type="submit" aria-label="${t('credentials.showLabel', { name: c.personName, target: c.target })}">${t('credentials.show')}</button></form></td></tr>`);
  return html`<p>${t('credentials.explain', { days: String(d.showForDays) })}</p>
${d.waiting.length === 0 ? html`<p>${t('credentials.none')}</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${t('credentials.person')}</th><th scope="col">${t('credentials.startDate')}</th><th scope="col">${t('credentials.system')}</th><th scope="col">${t('credentials.kind')}</th><th scope="col">${t('credentials.login')}</th><th scope="col">${t('credentials.validFrom')}</th><th scope="col">${t('credentials.expires')}</th><th scope="col"><span class="visually-hidden">${t('credentials.show')}</span></th></tr></thead>
<tbody>${rows}</tbody></table></div>`}`;
}

/** The one-time reveal, or why there is nothing to show. */
export function revealView(d: { readonly name: string; readonly credential?: FirstCredential; readonly value?: string; readonly problem?: 'gone' | 'unreadable'; readonly timeZone: string }, t: Translate): Html {
  const back = html`<p><a href="/credentials">${t('credentials.back')}</a></p>`;
  if (d.value === undefined || !d.credential) return html`<p class="notice error" role="alert">${t(d.problem === 'unreadable' ? 'credentials.unreadable' : 'credentials.gone')}</p>${back}`;
  const c = d.credential;
  return html`<p class="notice ok" role="status">${t('credentials.onceOnly', { name: d.name })}</p>
<dl><dt>${t('credentials.system')}</dt><dd>${c.target}</dd><dt>${t('credentials.kind')}</dt><dd>${kind(c, t)}</dd><dt>${t('credentials.login')}</dt><dd>${c.login}</dd>
${c.validFrom !== undefined ? html`<dt>${t('credentials.validFrom')}</dt><dd>${timeTag(c.validFrom, d.timeZone)}</dd>` : ''}
<dt>${t('credentials.value')}</dt><dd><code class="secret">${d.value}</code></dd></dl>${back}`;
}
