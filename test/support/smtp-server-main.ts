/**
 * The test SMTP server as a process of its own (started by test/support/smtp.ts): smtp-server on 127.0.0.1, a
 * random port. Options come as JSON in argv[2]. Each received message goes to stdout as one line
 * `MAIL <json>` (raw message base64, envelope); the DATA command is answered only when the parent acknowledges it on
 * stdin (`ACK <n>`), so a client that got its 250 knows the test sees the message. STARTTLS uses smtp-server's
 * built-in self-signed certificate.
 */
import { createInterface } from 'node:readline';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

interface Options {
  readonly startTls?: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  readonly rejectRecipients?: readonly string[];
}

const opts = JSON.parse(process.argv[2] ?? '{}') as Options;
const reject = new Set((opts.rejectRecipients ?? []).map((a) => a.toLowerCase()));
const addr = (a: SMTPServerAddress | false): string => (a ? a.address : '');
const pending = new Map<number, () => void>();
let seq = 0;

createInterface({ input: process.stdin }).on('line', (line) => {
  const m = /^ACK (\d+)$/.exec(line.trim());
  const done = m ? pending.get(Number(m[1])) : undefined;
  if (m && done) {
    pending.delete(Number(m[1]));
    done();
  }
}).on('close', () => process.exit(0)); // the test process went away: so do we

const server = new SMTPServer({
  secure: false,
  authOptional: !opts.auth,
  // AUTH without TLS only when the test explicitly runs without STARTTLS.
  allowInsecureAuth: opts.startTls === false,
  disabledCommands: [...(opts.startTls === false ? ['STARTTLS'] : []), ...(opts.auth ? [] : ['AUTH'])],
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
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const n = ++seq;
      pending.set(n, () => cb());
      const envelope = {
        from: addr(session.envelope.mailFrom),
        to: session.envelope.rcptTo.map((r) => r.address),
        secure: session.secure,
        ...(typeof session.user === 'string' ? { user: session.user } : {}),
      };
      process.stdout.write(`MAIL ${JSON.stringify({ n, raw: Buffer.concat(chunks).toString('base64'), envelope })}\n`);
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  const a = server.server.address();
  process.stdout.write(`SMTP_PORT=${a !== null && typeof a !== 'string' ? a.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
