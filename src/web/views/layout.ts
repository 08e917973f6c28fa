/**
 * The page shell: skip link, landmarks (header, nav, main, footer), navigation for the principal's role, the
 * language switch, sign-out, and the CSRF token as a meta tag (htmx requests send it as a header, see cadre.js).
 * No inline script or style: the CSP allows only files from /assets/.
 */
import type { Principal } from '../context.js';
import type { Lang, MessageKey, Translate } from '../i18n/index.js';
import { LANGS } from '../i18n/index.js';
import { html, safeUrl, type Html } from './html.js';

/** A navigation entry. */
export interface NavItem {
  readonly href: string;
  readonly label: MessageKey;
}

/** Everything the shell needs. */
export interface LayoutData {
  readonly lang: Lang;
  readonly title: string;
  readonly csrf: string;
  readonly principal?: Principal;
  readonly nav: readonly NavItem[];
  /** Nav entry to mark `aria-current` (its href). */
  readonly current?: string;
  /** The current path (the language switch returns here). */
  readonly path: string;
  readonly body: Html;
}

/** A hidden CSRF field for a form. */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** Render the page. */
export function layout(d: LayoutData, t: Translate): Html {
  const nav = d.nav.map((n) => html`<li><a href="${safeUrl(n.href)}"${d.current === n.href ? html` aria-current="page"` : ''}>${t(n.label)}</a></li>`);
  const langs = LANGS.map((l) => html`<option value="${l}"${l === d.lang ? html` selected` : ''}>${t(`lang.${l}`)}</option>`);
  const who = d.principal
    ? html`<div class="who"><span>${t('user.signedInAs', { name: d.principal.name, role: t(`role.${d.principal.role}`) })}</span>
        <form method="post" action="/sign-out" class="inline">${csrfField(d.csrf)}<button type="submit" class="link">${t('signOut.submit')}</button></form></div>`
    : '';
  return html`<!doctype html>
<html lang="${d.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${d.csrf}">
<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'>
<title>${d.title} · ${t('app.name')}</title>
<link rel="stylesheet" href="/assets/cadre.css">
<link rel="icon" href="data:,">
<script src="/assets/htmx.min.js" defer></script>
<script src="/assets/cadre.js" defer></script>
</head>
<body>
<a class="skip" href="#main">${t('app.skip')}</a>
<header class="top">
  <a class="brand" href="/">${t('app.name')}</a>
  ${d.principal && nav.length > 0 ? html`<nav aria-label="${t('nav.label')}"><ul>${nav}</ul></nav>` : ''}
  <div class="tools">
    <form method="post" action="/lang" class="inline lang">
      ${csrfField(d.csrf)}<input type="hidden" name="next" value="${d.path}">
      <label for="lang-select">${t('lang.label')}</label>
      <select id="lang-select" name="lang">${langs}</select>
      <button type="submit">${t('lang.switch')}</button>
    </form>
    ${who}
  </div>
</header>
<main id="main" tabindex="-1">
<h1>${d.title}</h1>
${d.body}
</main>
<footer class="foot"><p>${t('app.name')}</p></footer>
</body>
</html>
`;
}
