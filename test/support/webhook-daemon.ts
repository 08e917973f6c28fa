/**
 * Helpers for webhook tests and the latency bench: a v2 + webhooks cadre.yaml, registering a webhook at the
 * Personio simulator, and a real `cadre run`/`cadre serve` child process whose output can be waited on.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnCli } from './cli.js';

/** Turn a cadre.yaml text (from engineConfig or adE2eConfig) into v2 with the webhook receiver on. */
export function withWebhooks(yaml: string, hooks: string): string {
  const marker = '  clientSecret: test-secret\n';
  if (!yaml.includes(marker)) throw new Error('withWebhooks: no source.clientSecret line to extend');
  const block = hooks.split('\n').map((l) => `    ${l}`).join('\n');
  return yaml.replace(marker, `${marker}  apiVersion: v2\n  webhooks:\n${block}\n`);
}

/** Register an ENABLED webhook at the simulator for every person/employment event; returns its id. */
export async function registerSimWebhook(simUrl: string, url: string, token: string): Promise<string> {
  const tok = await fetch(`${simUrl}/v2/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=a&client_secret=b' });
  const h = { authorization: `Bearer ${(await tok.json() as { access_token: string }).access_token}`, 'content-type': 'application/json' };
  const events = ['person.created', 'person.updated', 'person.deleted', 'employment.created', 'employment.updated', 'employment.deleted'];
  const res = await fetch(`${simUrl}/v2/webhooks`, { method: 'POST', headers: h, body: JSON.stringify({ url, token, status: 'ENABLED', auth_type: 'TOKEN', enabled_events: events }) });
  if (res.status !== 201) throw new Error(`webhook registration failed: ${res.status} ${await res.text()}`);
  return String((await res.json() as { id: unknown }).id);
}

/** A running CLI process with its output so far. */
export interface CadreProcess {
  readonly child: ChildProcess;
  readonly out: () => string;
  readonly err: () => string;
  /** Resolves with the first match of `re` in stdout + stderr (polling the collected text). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves once at least `n` lines match `re`. */
  waitForCount(re: RegExp, n: number, timeoutMs?: number): Promise<void>;
  /** SIGKILL (no shutdown code runs) and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Start `cadre <args>` (e.g. `run --config …`). */
export function startCadre(args: string[], env: NodeJS.ProcessEnv = {}): CadreProcess {
  const child = spawnCli(args, { env });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const text = (): string => `${out}\n${err}`;
  const poll = async (ok: () => boolean, what: string, timeoutMs: number): Promise<void> => {
    const until = Date.now() + timeoutMs;
    while (!ok()) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`cadre ${args[0]} exited while waiting for ${what}\n${text()}`);
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${text()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    child, out: () => out, err: () => err,
    async waitFor(re, timeoutMs = 180_000) {
      await poll(() => re.test(text()), String(re), timeoutMs);
      return text().match(re) as RegExpMatchArray;
    },
    async waitForCount(re, n, timeoutMs = 180_000) {
      const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
      await poll(() => (text().match(g)?.length ?? 0) >= n, `${n}× ${re}`, timeoutMs);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Wait until `check` holds (polling; no timing assertion, only a generous give-up). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
