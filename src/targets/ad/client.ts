/**
 * A small pool of ldapts connections to one domain controller: TLS (LDAPS or StartTLS), bind, transparent
 * reconnect after a lost connection, paged search and range retrieval. Only this file talks to ldapts' Client.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Attribute, Change, Client, Control } from 'ldapts';
import type { Entry } from 'ldapts';
import type { TargetDeps } from '../contract.js';
import { AdTargetError, isConnectionError, ldapCode, toAdError } from './errors.js';
import type { AdTargetOptions } from './guard.js';

/** What a search needs. `buffers` lists attributes returned as raw bytes (objectGUID). */
export interface SearchSpec {
  readonly scope?: 'base' | 'one' | 'sub';
  readonly filter?: string;
  readonly attributes?: readonly string[];
  readonly buffers?: readonly string[];
  readonly sizeLimit?: number;
}

/** An attribute change for {@link AdLdap.modify}; `values: []` with `replace` clears the attribute. */
export interface ModSpec {
  readonly operation: 'add' | 'delete' | 'replace';
  readonly attribute: string;
  readonly values: readonly (string | Buffer)[];
}

/** LDAP_SERVER_TREE_DELETE_OID: delete an entry with its children. */
export const TREE_DELETE_OID = '1.2.840.113556.1.4.805';

interface Conn {
  client: Client | undefined;
  ready: Promise<Client> | undefined;
  busy: number;
}

/** Values of an entry attribute as strings (ldapts gives a string for one value, an array for several). */
export function values(entry: Entry, attr: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attr.toLowerCase());
  if (key === undefined) return [];
  const v = entry[key];
  if (v === undefined) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

/** First value of an entry attribute as raw bytes. */
export function bufferValue(entry: Entry, attr: string): Buffer | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attr.toLowerCase());
  const v = key === undefined ? undefined : entry[key];
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined) return undefined;
  return Buffer.isBuffer(first) ? first : Buffer.from(String(first), 'binary');
}

/** Connection pool to one DC. Safe to use concurrently. */
export class AdLdap {
  /** True when every connection is encrypted (LDAPS or StartTLS); unicodePwd is only ever sent then. */
  readonly secure: boolean;
  private readonly conns: Conn[];
  private readonly tls: ConnectionOptions;
  private closed = false;

  constructor(private readonly opts: AdTargetOptions, private readonly log: TargetDeps['log'], private readonly target: string) {
    this.secure = opts.url.startsWith('ldaps://') || opts.startTls;
    this.tls = {
      ...(opts.caFile !== undefined ? { ca: readFileSync(opts.caFile) } : {}),
      ...(opts.insecure ? { rejectUnauthorized: false } : {}),
    };
    this.conns = Array.from({ length: opts.concurrency }, () => ({ client: undefined, ready: undefined, busy: 0 }));
  }

  private async connect(conn: Conn): Promise<Client> {
    const ldaps = this.opts.url.startsWith('ldaps://');
    const client = new Client({
      url: this.opts.url,
      timeout: this.opts.timeoutMs,
      connectTimeout: Math.min(this.opts.timeoutMs, 10_000),
      // tlsOptions with an ldap:// URL would silently switch ldapts to implicit TLS: only for ldaps://
      ...(ldaps ? { tlsOptions: { ...this.tls } } : {}),
    });
    try {
      // startTLS mutates its options (sets .socket): always a fresh object
      if (this.opts.startTls) await client.startTLS({ ...this.tls });
      await client.bind(this.opts.bindDN, this.opts.bindPassword);
    } catch (e) {
      await client.unbind().catch(() => undefined);
      const err = toAdError(e, `connect to ${this.opts.url} as ${this.opts.bindDN}`);
      throw err;
    }
    conn.client = client;
    return client;
  }

  /** A bound client of the least busy connection; reconnects a dropped one. */
  private async acquire(): Promise<{ conn: Conn; client: Client }> {
    if (this.closed) throw new AdTargetError('AD_UNAVAILABLE', `target ${this.target} is closed`);
    const conn = this.conns.reduce((a, b) => (b.busy < a.busy ? b : a));
    conn.busy += 1;
    try {
      if (conn.client !== undefined && !conn.client.isConnected) this.drop(conn);
      if (conn.client === undefined) {
        conn.ready ??= this.connect(conn).finally(() => { conn.ready = undefined; });
        await conn.ready;
      }
      const client = conn.client;
      if (client === undefined) throw new AdTargetError('AD_UNAVAILABLE', `no connection to ${this.opts.url}`, true);
      return { conn, client };
    } catch (e) {
      conn.busy -= 1;
      throw e;
    }
  }

  private drop(conn: Conn): void {
    const c = conn.client;
    conn.client = undefined;
    if (c !== undefined) void c.unbind().catch(() => undefined);
  }

  /**
   * Run one LDAP call. Reads are retried once on a fresh connection after a connection loss; writes are not
   * (the caller's idempotency rules decide), but the dead connection is replaced for the next call.
   */
  private async run<T>(read: boolean, fn: (c: Client) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const { conn, client } = await this.acquire();
      try {
        return await fn(client);
      } catch (e) {
        if (isConnectionError(e)) {
          this.drop(conn);
          if (read && attempt === 0) {
            this.log.warn({ target: this.target }, 'LDAP connection lost; retrying the read on a new connection');
            continue;
          }
        }
        throw e;
      } finally {
        conn.busy -= 1;
      }
    }
  }

  /** One search (no paging). */
  async search(base: string, spec: SearchSpec): Promise<Entry[]> {
    const r = await this.run(true, (c) => c.search(base, {
      scope: spec.scope ?? 'sub',
      filter: spec.filter ?? '(objectClass=*)',
      attributes: [...(spec.attributes ?? [])],
      explicitBufferAttributes: [...(spec.buffers ?? [])],
      ...(spec.sizeLimit !== undefined ? { sizeLimit: spec.sizeLimit } : {}),
    }));
    return r.searchEntries;
  }

  /** Base search of one entry; undefined when it does not exist. */
  async read(dn: string, attributes: readonly string[], buffers: readonly string[] = []): Promise<Entry | undefined> {
    try {
      const r = await this.search(dn, { scope: 'base', attributes, buffers });
      return r[0];
    } catch (e) {
      if (ldapCode(e) === 32) return undefined;
      throw e;
    }
  }

  /**
   * Paged search (RFC 2696 control 1.2.840.113556.1.4.319) yielding one page at a time. The whole paged
   * sequence runs on one connection, as the server's paging cookie is bound to it.
   */
  async *searchPaged(base: string, spec: SearchSpec, pageSize: number): AsyncGenerator<Entry[]> {
    const { conn, client } = await this.acquire();
    try {
      const pages = client.searchPaginated(base, {
        scope: spec.scope ?? 'sub',
        filter: spec.filter ?? '(objectClass=*)',
        attributes: [...(spec.attributes ?? [])],
        explicitBufferAttributes: [...(spec.buffers ?? [])],
        paged: { pageSize },
      });
      for await (const page of pages) yield page.searchEntries;
    } catch (e) {
      if (isConnectionError(e)) this.drop(conn);
      throw e;
    } finally {
      conn.busy -= 1;
    }
  }

  /**
   * All values of a (possibly huge) multi-valued attribute of one entry via range retrieval
   * (`member;range=0-1499`, `member;range=1500-2999`, … until the server answers `member;range=N-*`).
   */
  async allValues(dn: string, attr: string, step: number): Promise<string[]> {
    const out: string[] = [];
    let low = 0;
    for (;;) {
      const ask = `${attr};range=${low}-${low + step - 1}`;
      const entry = await this.read(dn, [ask]);
      if (entry === undefined) return out;
      const key = Object.keys(entry).find((k) => k.toLowerCase().startsWith(`${attr.toLowerCase()};range=`));
      if (key === undefined) {
        // No range in the answer: the server returned everything (or nothing) under the plain name.
        if (low === 0) return values(entry, attr);
        return out;
      }
      out.push(...values(entry, key));
      const m = /;range=(\d+)-(\d+|\*)$/i.exec(key);
      if (!m || m[2] === '*') return out;
      low = Number(m[2]) + 1;
    }
  }

  /** Add an entry; Buffer values are sent as raw bytes. */
  async add(dn: string, attrs: Record<string, readonly (string | Buffer)[]>): Promise<void> {
    const list = Object.entries(attrs)
      .filter(([, v]) => v.length > 0)
      .map(([type, v]) => new Attribute({ type, values: v.every((x) => Buffer.isBuffer(x)) ? (v as Buffer[]) : v.map(String) }));
    await this.run(false, (c) => c.add(dn, list));
  }

  /** Modify an entry (one request, applied atomically). */
  async modify(dn: string, mods: readonly ModSpec[]): Promise<void> {
    if (mods.length === 0) return;
    const changes = mods.map((m) => new Change({
      operation: m.operation,
      modification: new Attribute({ type: m.attribute, values: m.values.every((x) => Buffer.isBuffer(x)) && m.values.length > 0 ? (m.values as Buffer[]) : m.values.map(String) }),
    }));
    await this.run(false, (c) => c.modify(dn, changes));
  }

  /** Rename and/or move. `newDn` is the full new DN (ldapts splits it into new RDN and new superior). */
  async modifyDN(dn: string, newDn: string): Promise<void> {
    await this.run(false, (c) => c.modifyDN(dn, newDn));
  }

  /** Delete an entry; `tree` adds the tree-delete control (entries with children). */
  async del(dn: string, tree = false): Promise<void> {
    const controls = tree ? [new Control(TREE_DELETE_OID, { critical: true })] : undefined;
    await this.run(false, (c) => c.del(dn, controls));
  }

  /** Unbind every connection. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.conns.map(async (conn) => {
      await conn.ready?.catch(() => undefined);
      const c = conn.client;
      conn.client = undefined;
      if (c !== undefined) await c.unbind().catch(() => undefined);
    }));
  }
}
