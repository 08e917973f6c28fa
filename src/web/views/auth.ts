/** Sign-in page and error pages. */
import type { Translate } from '../i18n/index.js';
import { html, safeUrl, type Html } from './html.js';
import { csrfField } from './layout.js';

/** What the sign-in page shows. */
export interface SignInView {
  readonly csrf: string;
  readonly next?: string;
  readonly error?: string;
  readonly notice?: string;
  readonly username?: string;
  /** OIDC sign-in link (the web-oidc module adds it), with the provider's display name. */
  readonly oidc?: { readonly href: string; readonly provider: string };
}

/** The local sign-in form (and the OIDC button when configured). */
export function signInView(v: SignInView, t: Translate): Html {
  return html`
${v.error !== undefined ? html`<p class="notice error" role="alert">${v.error}</p>` : ''}
${v.notice !== undefined ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
<form method="post" action="/sign-in" class="stack panel">
  ${csrfField(v.csrf)}
  ${v.next !== undefined ? html`<input type="hidden" name="next" value="${v.next}">` : ''}
  <label for="username">${t('signIn.username')}
    <input id="username" name="username" type="text" autocomplete="username" required autocapitalize="none" spellcheck="false" value="${v.username ?? ''}"></label>
  <label for="password">${t('signIn.password')}
    <input id="password" name="password" type="password" autocomplete="current-password" required></label>
  <div><button type="submit">${t('signIn.submit')}</button></div>
</form>
${v.oidc ? html`<p>${t('signIn.or')}</p><p><a class="button" href="${safeUrl(v.oidc.href)}">${t('signIn.oidc', { provider: v.oidc.provider })}</a></p>` : ''}
`;
}

/** An error page body. */
export function errorView(message: string, t: Translate): Html {
  return html`<p class="notice error" role="alert">${message}</p><p><a href="/">${t('error.back')}</a></p>`;
}
