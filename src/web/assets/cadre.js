// Cadre console: progressive enhancement only (every page works without it). Loaded from /assets/ (CSP: script-src 'self').
// htmx requests carry the CSRF token from the meta tag as a header; forms carry it as a hidden field.
document.addEventListener('htmx:configRequest', (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers['x-csrf-token'] = meta.getAttribute('content');
});
