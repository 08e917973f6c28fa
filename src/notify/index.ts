/**
 * E-mail notifications over SMTP (nodemailer). TLS is required: `secure: true` is implicit TLS, otherwise STARTTLS
 * must succeed; only `allowPlain: true` lets a mail go out unencrypted. Message bodies are never logged; a first
 * password travels only in the separate password mail and only in memory. Expected failures are results with a
 * code, never throws.
 */
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { CadreConfig } from '../config/schema.js';
import { redactSecrets, registerSecret } from '../config/secrets.js';
import { headerSafe } from './escape.js';
import type { MailLanguage, MailModel } from './mail-model.js';
import { renderMail } from './mail-render.js';
import { renderHtml, renderText, type NotifyEvent, type NotifyPerson, type NotifySecret } from './templates.js';

export type * from './mail-model.js';
export { mailLanguage } from './mail-model.js';
export { renderMail } from './mail-render.js';

export { escapeHtml } from './escape.js';
export type { NotifyEvent, NotifyPerson, NotifySecret } from './templates.js';

/** One notification to send. */
export interface Notification {
  readonly event: NotifyEvent;
  /** Resolved e-mail addresses. */
  readonly to: readonly string[];
  readonly subject: string;
  readonly person?: NotifyPerson;
  readonly lines: readonly string[];
  /** Never allowed any more: a first password goes only in the templated {@link PasswordMail}. Kept so it is refused. */
  readonly secret?: NotifySecret;
}

/** A templated mail (mail-model.ts) to recipients sharing one language. */
export interface TemplatedNotification {
  readonly to: readonly string[];
  readonly lang: MailLanguage;
  readonly mail: MailModel;
}

/** Result of {@link Notifier.send}. */
export type NotifyResult =
  | { readonly ok: true; readonly messageId: string }
  | { readonly ok: false; readonly code: NotifyErrorCode; readonly message: string };

/** Failure codes. `NOTIFY_NOT_CONFIGURED`: no `notifications.smtp`; the engine records it and moves on. */
export type NotifyErrorCode =
  | 'NOTIFY_NOT_CONFIGURED'
  | 'NOTIFY_NO_RECIPIENTS'
  | 'NOTIFY_INVALID_RECIPIENT'
  | 'NOTIFY_SECRET_NOT_ALLOWED'
  | 'NOTIFY_AUTH_FAILED'
  | 'NOTIFY_CONNECTION_FAILED'
  | 'NOTIFY_REJECTED'
  | 'NOTIFY_SEND_FAILED';

/** Minimal structured logger (pino-compatible). */
export interface NotifyLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Sends notification mails. */
export interface Notifier {
  /** Whether SMTP is configured. */
  readonly configured: boolean;
  send(n: Notification): Promise<NotifyResult>;
  /** Render and send a templated mail; the event is the model's kind. */
  sendMail(n: TemplatedNotification): Promise<NotifyResult>;
  /** Connect and authenticate without sending (for `validate`/health checks). */
  verify(): Promise<{ readonly ok: true } | { readonly ok: false; readonly code: NotifyErrorCode; readonly message: string }>;
  close(): void;
}

/** Dependencies of {@link createNotifier}. */
export interface NotifierDeps {
  readonly log: NotifyLog;
  /** Organisation name for the mail footer. */
  readonly organisation?: string;
}

// Deliberately simple: one @, no spaces/angle brackets/quotes/control characters, a dot in the domain.
const ADDRESS = /^[^\s@<>"'(),;:\\[\]]+@[^\s@<>"'(),;:\\[\]]+\.[^\s@<>"'(),;:\\[\]]+$/;

/** Create the notifier for `notifications` (secrets must already be resolved). */
export function createNotifier(cfg: CadreConfig['notifications'] | undefined, deps: NotifierDeps): Notifier {
  const smtp = cfg?.smtp;
  const { log } = deps;
  if (!smtp) {
    const notConfigured = { ok: false as const, code: 'NOTIFY_NOT_CONFIGURED' as const, message: 'notifications.smtp is not configured; no mail was sent' };
    return { configured: false, send: async () => notConfigured, sendMail: async () => notConfigured, verify: async () => notConfigured, close: () => undefined };
  }
  if (smtp.pass) registerSecret(smtp.pass);

  const options: SMTPTransport.Options = {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // STARTTLS or nothing, unless plain SMTP was allowed explicitly.
    requireTLS: !smtp.secure && !smtp.allowPlain,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
    ...(smtp.insecure ? { tls: { rejectUnauthorized: false } } : { tls: { minVersion: 'TLSv1.2' } }),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    // Never let message content pull local files or URLs into a mail.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  };
  let transport: Transporter<SMTPTransport.SentMessageInfo> | undefined;
  const getTransport = (): Transporter<SMTPTransport.SentMessageInfo> => (transport ??= nodemailer.createTransport(options));

  const failure = (err: unknown): { ok: false; code: NotifyErrorCode; message: string } => {
    const e = err as { code?: unknown; responseCode?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? e.code : '';
    const rc = typeof e.responseCode === 'number' ? e.responseCode : undefined;
    const mapped: NotifyErrorCode = code === 'EAUTH' ? 'NOTIFY_AUTH_FAILED'
      : code === 'ECONNECTION' || code === 'ETIMEDOUT' || code === 'ESOCKET' || code === 'EDNS' || code === 'ETLS' ? 'NOTIFY_CONNECTION_FAILED'
        : code === 'EENVELOPE' || code === 'EMESSAGE' || (rc !== undefined && rc >= 500) ? 'NOTIFY_REJECTED'
          : 'NOTIFY_SEND_FAILED';
    const text = typeof e.message === 'string' ? e.message.split('\n')[0] ?? '' : String(err);
    return { ok: false, code: mapped, message: redactSecrets(`${code ? `${code}: ` : ''}${text}`).slice(0, 500) };
  };

  /** Check the recipients and hand the message to the server. */
  const deliver = async (event: string, rawTo: readonly string[], subject: string, text: string, html: string): Promise<NotifyResult> => {
    const to = [...new Set(rawTo.map((a) => a.trim()).filter((a) => a !== ''))];
    if (to.length === 0) return { ok: false, code: 'NOTIFY_NO_RECIPIENTS', message: `no recipient for the ${event} mail` };
    const bad = to.filter((a) => !ADDRESS.test(a));
    if (bad.length > 0) {
      return { ok: false, code: 'NOTIFY_INVALID_RECIPIENT', message: `${bad.length} invalid recipient address(es): ${bad.map((a) => JSON.stringify(a.slice(0, 80))).join(', ')}` };
    }
    try {
      const info = await getTransport().sendMail({
        from: smtp.from, to, subject, text, html,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Cadre-Event': event },
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      // Metadata only: never the body, never the secret.
      log.info({ event, recipients: to.length, messageId: info.messageId, rejected: info.rejected.length }, 'notification sent');
      return { ok: true, messageId: info.messageId };
    } catch (err) {
      const f = failure(err);
      log.warn({ event, recipients: to.length, code: f.code, error: f.message }, 'notification failed');
      return f;
    }
  };

  return {
    configured: true,
    async send(n) {
      if (n.secret) return { ok: false, code: 'NOTIFY_SECRET_NOT_ALLOWED', message: `a password may only be sent in the separate password mail, not in a ${n.event} mail` };
      const content = { ...n, subject: headerSafe(n.subject), ...(deps.organisation ? { organisation: deps.organisation } : {}) };
      return deliver(n.event, n.to, content.subject, renderText(content), renderHtml(content));
    },
    async sendMail(n) {
      const r = renderMail(n.mail, n.lang, deps.organisation);
      return deliver(n.mail.kind, n.to, r.subject, r.text, r.html);
    },
    async verify() {
      try {
        await getTransport().verify();
        return { ok: true };
      } catch (err) {
        return failure(err);
      }
    },
    close() {
      transport?.close();
      transport = undefined;
    },
  };
}
