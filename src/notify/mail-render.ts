/**
 * Layout of a {@link MailBody} as plain text and as HTML. Every value that reaches the HTML goes through escapeHtml:
 * names, departments and error messages come from HR data and target answers and are untrusted.
 */
import { escapeHtml as e, headerSafe } from './escape.js';
import type { MailLanguage, MailModel, RenderedMail } from './mail-model.js';
import { mailBody, type MailBody } from './mail-text.js';

function text(b: MailBody): string {
  const out: string[] = [b.title, ''];
  for (const p of b.paragraphs) out.push(p, '');
  if (b.rows.length > 0) {
    const w = Math.max(...b.rows.map(([k]) => k.length));
    for (const [k, v] of b.rows) out.push(`  ${`${k}:`.padEnd(w + 2)}${v}`);
    out.push('');
  }
  for (const l of b.lists) {
    out.push(`${l.heading}:`);
    for (const i of l.items) out.push(`  - ${i}`);
    out.push('');
  }
  if (b.secret) out.push(`==== ${b.secret.heading} ====`, `${b.secret.label}: ${b.secret.value}`, b.secret.note, '='.repeat(b.secret.heading.length + 10), '');
  out.push('--', b.footer);
  return `${out.join('\n')}\n`;
}

function html(b: MailBody, lang: MailLanguage): string {
  const rows = b.rows.map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0;color:#555;font-weight:normal">${e(k)}</th><td style="padding:2px 0">${e(v)}</td></tr>`).join('');
  const lists = b.lists.map((l) => `<p style="margin:12px 0 4px;font-weight:bold">${e(l.heading)}</p><ul style="padding-left:20px;margin:0">${l.items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`).join('\n');
  const secret = b.secret
    ? `<div style="border:2px solid #b00020;border-radius:6px;padding:12px 16px;margin:16px 0;background:#fff5f5">`
      + `<p style="margin:0 0 8px;color:#b00020;font-weight:bold">${e(b.secret.heading)}</p>`
      + `<p style="margin:0 0 8px">${e(b.secret.label)}:</p>`
      + `<p style="margin:0 0 8px"><code style="font-size:16px;padding:4px 8px;background:#fff;border:1px solid #ddd">${e(b.secret.value)}</code></p>`
      + `<p style="margin:0;color:#555;font-size:13px">${e(b.secret.note)}</p></div>`
    : '';
  return [
    '<!doctype html>',
    `<html lang="${lang}"><head><meta charset="utf-8"><title>${e(b.subject)}</title></head>`,
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#222;max-width:640px">',
    `<h2 style="font-size:18px">${e(b.title)}</h2>`,
    ...b.paragraphs.map((p) => `<p>${e(p)}</p>`),
    rows ? `<table style="border-collapse:collapse;margin:8px 0 12px">${rows}</table>` : '',
    lists,
    secret,
    `<p style="color:#777;font-size:12px;border-top:1px solid #eee;padding-top:8px">${e(b.footer)}</p>`,
    '</body></html>',
  ].join('\n');
}

/** Subject, text and HTML of a mail in a language. */
export function renderMail(m: MailModel, lang: MailLanguage, organisation?: string): RenderedMail {
  const b = mailBody(m, lang, organisation);
  return { subject: headerSafe(b.subject), text: text(b), html: html(b, lang) };
}
