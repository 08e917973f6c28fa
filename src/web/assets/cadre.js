// Cadre console: progressive enhancement only (every page works without it). Loaded from /assets/ (CSP: script-src 'self').
// htmx requests carry the CSRF token from the meta tag as a header; forms carry it as a hidden field.
document.addEventListener('htmx:configRequest', (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers['x-csrf-token'] = meta.getAttribute('content');
});

// Copy buttons (the new password on a reset's result page): shown only when the clipboard API exists.
document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('button[data-copy]')) {
    const source = document.getElementById(button.getAttribute('data-copy') || '');
    if (!source || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener('click', () => {
      navigator.clipboard.writeText(source.textContent || '').then(() => { button.setAttribute('data-copied', 'true'); }, () => undefined);
    });
  }
});
