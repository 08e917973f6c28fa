/**
 * A real SMTP server for tests (smtp-server on 127.0.0.1, random port). Received mails are parsed
 * with mailparser. STARTTLS is offered with smtp-server's built-in self-signed certificate unless
 * `startTls: false`; AUTH is optional unless credentials are given.
 */
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** What the server saw besides the parsed message. */
export interface Envelope {
  readonly from: string;
  readonly to: readonly string[];
  /** The session was upgraded with STARTTLS (or implicit TLS). */
  readonly secure: boolean;
  /** Authenticated user, if any. */
  readonly user?: string;
}

/** A running test SMTP server. */
export interface TestSmtpServer {
  readonly host: string;
  readonly port: number;
  /** Parsed messages in arrival order. */
  readonly messages: ParsedMail[];
  /** Envelope per message (same index as `messages`). */
  readonly envelopes: Envelope[];
  /** Resolves once at least `n` messages arrived; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/** Options for {@link startSmtpServer}. */
export interface SmtpServerOptions {
  /** Offer STARTTLS with the built-in self-signed certificate (default true). */
  readonly startTls?: boolean;
  /** Require these credentials (AUTH PLAIN/LOGIN); without them AUTH is optional. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Recipients answered with 550. */
  readonly rejectRecipients?: readonly string[];
}

/** Start a real SMTP server on 127.0.0.1 with a random port. */
export async function startSmtpServer(opts: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const messages: ParsedMail[] = [];
  const envelopes: Envelope[] = [];
  const waiters: { n: number; resolve: (m: ParsedMail[]) => void }[] = [];
  const reject = new Set((opts.rejectRecipients ?? []).map((a) => a.toLowerCase()));
  const addr = (a: SMTPServerAddress | false): string => (a ? a.address : '');

  const disabled = [...(opts.startTls === false ? ['STARTTLS'] : []), ...(opts.auth ? [] : ['AUTH'])];

  const server = new SMTPServer({
    secure: false,
    authOptional: !opts.auth,
    // AUTH without TLS only when the test explicitly runs without STARTTLS.
    allowInsecureAuth: opts.startTls === false,
    disabledCommands: disabled,
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      if (reject.has(address.address.toLowerCase())) cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      else cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          envelopes.push({
            from: addr(session.envelope.mailFrom),
            to: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
            ...(typeof session.user === 'string' ? { user: session.user } : {}),
          });
          for (const w of [...waiters]) {
            if (messages.length >= w.n) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(messages.slice());
            }
          }
          cb();
        })
        .catch((err: unknown) => cb(err instanceof Error ? err : new Error(String(err))));
    },
  });

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('smtp test server: no TCP address');

  return {
    host: '127.0.0.1',
    port: address.port,
    messages,
    envelopes,
    waitFor(n, timeoutMs = 5_000) {
      if (messages.length >= n) return Promise.resolve(messages.slice());
      return new Promise((resolve, rejectWait) => {
        const w = { n, resolve: (m: ParsedMail[]) => { clearTimeout(timer); resolve(m); } };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          rejectWait(new Error(`smtp test server: expected ${n} message(s) within ${timeoutMs} ms, got ${messages.length}`));
        }, timeoutMs);
        waiters.push(w);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
