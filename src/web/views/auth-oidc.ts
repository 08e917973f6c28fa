/** The page shown when an OIDC sign-in is refused or fails. */
import type { Translate } from '../i18n/index.js';
import { html, safeUrl, type Html } from './html.js';

/** What the page shows. */
export interface OidcRefusedView {
  /** Why, in the user's language (already translated; escaped here). */
  readonly message: string;
  /** The groups/roles the IdP sent (shown for "no role", so the user can tell the administrator). */
  readonly groups?: readonly string[];
  /** Where "try again" points (the OIDC start), when trying again can help. */
  readonly retry?: string;
}

/** Render the refusal. */
export function oidcRefusedView(v: OidcRefusedView, t: Translate): Html {
  const groups = v.groups ?? [];
  return html`<p class="notice error" role="alert">${v.message}</p>
${v.groups !== undefined ? html`<p>${t('oidc.groupsSent')}</p>${groups.length > 0 ? html`<ul class="groups">${groups.map((g) => html`<li><code>${g}</code></li>`)}</ul>` : html`<p>${t('oidc.noGroupsSent')}</p>`}` : ''}
<p>${v.retry !== undefined ? html`<a href="${safeUrl(v.retry)}">${t('oidc.tryAgain')}</a> · ` : ''}<a href="/sign-in">${t('oidc.backToSignIn')}</a></p>`;
}
