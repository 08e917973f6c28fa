/**
 * Mail bodies (text and HTML) for lifecycle notifications. Small template functions; every value
 * that reaches the HTML goes through escapeHtml — display names come from HR data and are untrusted.
 */
import { escapeHtml as e } from './escape.js';

/** Notification events. */
export type NotifyEvent = 'joiner' | 'mover' | 'leaver' | 'blocked' | 'failure' | 'review' | 'request';

/** Display data of the person a notification is about. Empty strings are treated as absent. */
export interface NotifyPerson {
  readonly id: string;
  readonly name: string;
  readonly department?: string;
  readonly position?: string;
  readonly office?: string;
  readonly manager?: string;
  readonly hireDate?: string;
  readonly endDate?: string;
}

/** A one-time secret (the initial password) shown only in the joiner mail. */
export interface NotifySecret {
  readonly label: string;
  readonly value: string;
}

/** What a mail is rendered from. */
export interface MailContent {
  readonly event: NotifyEvent;
  readonly subject: string;
  readonly person?: NotifyPerson;
  readonly lines: readonly string[];
  readonly secret?: NotifySecret;
  /** Organisation name for the footer. */
  readonly organisation?: string;
}

const TITLES: Readonly<Record<NotifyEvent, string>> = {
  joiner: 'New joiner',
  mover: 'Access changed',
  leaver: 'Leaver',
  blocked: 'Run blocked by a safety threshold',
  failure: 'Operations failed',
  review: 'Access review',
  request: 'Access request',
};

function intro(c: MailContent): string {
  const name = c.person?.name ?? 'this person';
  switch (c.event) {
    case 'joiner': return c.person?.hireDate ? `${name} starts on ${c.person.hireDate}. Their accounts are ready.` : `The accounts of ${name} are ready.`;
    case 'mover': return `The access of ${name} has changed.`;
    case 'leaver': return c.person?.endDate ? `${name} leaves on ${c.person.endDate}. Their accounts have been disabled.` : `The accounts of ${name} have been disabled.`;
    case 'blocked': return 'A planned run was blocked because it exceeds a safety threshold. Nothing was changed. Review the plan and approve it if it is expected.';
    case 'failure': return 'Some operations failed. They are retried on the next run; see the journal for details.';
    case 'request': return 'An access request needs your attention or has changed. Open the console to see it; decisions are made there only.';
    case 'review': return 'An access review removed access that a rule you own grants. The removal is kept as an exception per person; change the rule if it should not grant this access.';
  }
}

function personRows(p: NotifyPerson | undefined): [string, string][] {
  if (!p) return [];
  const rows: [string, string | undefined][] = [
    ['Name', p.name], ['Personnel no.', p.id], ['Department', p.department], ['Position', p.position],
    ['Office', p.office], ['Manager', p.manager], ['Start date', p.hireDate], ['End date', p.endDate],
  ];
  return rows.filter((r): r is [string, string] => typeof r[1] === 'string' && r[1].trim() !== '');
}

const SECRET_NOTE = 'Hand it over personally; it must be changed at the first sign-in. Cadre does not store it and sends it only in this mail. Delete this mail afterwards.';

/** Plain-text body. */
export function renderText(c: MailContent): string {
  const out: string[] = [TITLES[c.event], '', intro(c), ''];
  const rows = personRows(c.person);
  if (rows.length > 0) {
    const w = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) out.push(`  ${`${k}:`.padEnd(w + 2)}${v}`);
    out.push('');
  }
  if (c.lines.length > 0) {
    for (const l of c.lines) out.push(`  - ${l}`);
    out.push('');
  }
  if (c.secret) {
    out.push('==== CONFIDENTIAL: INITIAL PASSWORD ====', `${c.secret.label}: ${c.secret.value}`, SECRET_NOTE, '=======================================', '');
  }
  out.push('--', `Sent automatically by Cadre${c.organisation ? ` for ${c.organisation}` : ''}. Please do not reply.`);
  return `${out.join('\n')}\n`;
}

/** HTML body; every interpolated value is escaped. */
export function renderHtml(c: MailContent): string {
  const rows = personRows(c.person)
    .map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0;color:#555;font-weight:normal">${e(k)}</th><td style="padding:2px 0">${e(v)}</td></tr>`)
    .join('');
  const lines = c.lines.length > 0 ? `<ul style="padding-left:20px">${c.lines.map((l) => `<li>${e(l)}</li>`).join('')}</ul>` : '';
  const secret = c.secret
    ? `<div style="border:2px solid #b00020;border-radius:6px;padding:12px 16px;margin:16px 0;background:#fff5f5">`
      + `<p style="margin:0 0 8px;color:#b00020;font-weight:bold">CONFIDENTIAL: INITIAL PASSWORD</p>`
      + `<p style="margin:0 0 8px">${e(c.secret.label)}:</p>`
      + `<p style="margin:0 0 8px"><code style="font-size:16px;padding:4px 8px;background:#fff;border:1px solid #ddd">${e(c.secret.value)}</code></p>`
      + `<p style="margin:0;color:#555;font-size:13px">${e(SECRET_NOTE)}</p></div>`
    : '';
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${e(c.subject)}</title></head>`,
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#222;max-width:640px">',
    `<h2 style="font-size:18px">${e(TITLES[c.event])}</h2>`,
    `<p>${e(intro(c))}</p>`,
    rows ? `<table style="border-collapse:collapse;margin:8px 0 12px">${rows}</table>` : '',
    lines,
    secret,
    `<p style="color:#777;font-size:12px;border-top:1px solid #eee;padding-top:8px">Sent automatically by Cadre${c.organisation ? ` for ${e(c.organisation)}` : ''}. Please do not reply.</p>`,
    '</body></html>',
  ].join('\n');
}
