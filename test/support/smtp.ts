/**
 * A real SMTP server for tests: smtp-server in a child process (smtp-server-main.ts) on 127.0.0.1, random port.
 * Received mails are parsed here with mailparser. STARTTLS is offered with smtp-server's built-in self-signed
 * certificate unless `startTls: false`; AUTH is optional unless credentials are given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
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

const MAIN = fileURLToPath(new URL('./smtp-server-main.ts', import.meta.url));

/**
 * Start a real SMTP server (smtp-server) as a process of its own on 127.0.0.1 with a random port. A message is in
 * `messages` before the client gets its 250 for it (the server waits for this side to have parsed it).
 */
export async function startSmtpServer(opts: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const messages: ParsedMail[] = [];
  const envelopes: Envelope[] = [];
  const waiters: { n: number; resolve: (m: ParsedMail[]) => void }[] = [];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN, JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  // Parse in arrival order, one after the other.
  let queue: Promise<void> = Promise.resolve();
  const port = await new Promise<number>((resolve, rejectStart) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const p = /^SMTP_PORT=(\d+)$/.exec(line);
      if (p?.[1]) { resolve(Number(p[1])); return; }
      if (!line.startsWith('MAIL ')) return;
      const m = JSON.parse(line.slice(5)) as { n: number; raw: string; envelope: Envelope };
      queue = queue.then(async () => {
        const mail = await simpleParser(Buffer.from(m.raw, 'base64'));
        messages.push(mail);
        envelopes.push(m.envelope);
        for (const w of [...waiters]) {
          if (messages.length >= w.n) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(messages.slice());
          }
        }
        child.stdin?.write(`ACK ${m.n}\n`);
      });
    });
    child.once('exit', (code) => rejectStart(new Error(`smtp test server exited (${String(code)}): ${stderr}`)));
  });

  return {
    host: '127.0.0.1',
    port,
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
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) { resolve(); return; }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
