/**
 * The demo's web console: served from the demo process on its throwaway store, with a random session secret and
 * one local user per role whose generated password is printed once (the demo's store is deleted on the next start).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../../core/roles.js';
import type { Engine } from '../../engine/engine.js';
import { addUser, removeUser } from '../../engine/web-users.js';
import { generatePassword } from '../../util/password.js';
import { buildApp } from '../../web/app.js';
import { createPersonIndex } from '../../web/person-index.js';
import type { Io } from '../io.js';

/** A running demo console. */
export interface DemoConsole {
  readonly url: string;
  /** Call after every sync tick (the console's person index reloads). */
  synced(): void;
  /** Create the demo users (after the first sync: the manager is linked to a person with reports) and print them. */
  printSignIns(): Promise<void>;
  close(): Promise<void>;
}

async function listen(app: FastifyInstance, port: number): Promise<string> {
  try {
    return await app.listen({ port, host: '127.0.0.1' });
  } catch (err) {
    // 8080 taken by something else: a free port will do for a demo.
    if ((err as { code?: string }).code === 'EADDRINUSE') return app.listen({ port: 0, host: '127.0.0.1' });
    throw err;
  }
}

/** Start the console for the demo engine. */
export async function startDemoConsole(engine: Engine, opts: { readonly port: number; readonly io: Io }): Promise<DemoConsole> {
  // Sessions follow the wall clock: the demo's engine clock jumps a day per tick and would end every session.
  const now = () => new Date();
  const persons = createPersonIndex(engine.store, { now: () => Date.now() });
  const app = await buildApp(engine, { sessionSecret: randomBytes(32).toString('base64url'), now, persons });
  const url = await listen(app, opts.port);
  opts.io.out(`Web console: ${url} (sign-ins follow after the first sync)`);
  return {
    url,
    synced: () => persons.invalidate(),
    async printSignIns() {
      const all = await engine.store.persons.all();
      const reports = new Map<string, number>();
      for (const p of all) if (p.supervisorId !== undefined) reports.set(p.supervisorId, (reports.get(p.supervisorId) ?? 0) + 1);
      // The manager with the most direct reports, so the scoped view has something to show.
      const manager = [...reports.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
      const lines: string[] = [];
      for (const role of ROLES) {
        const username = `demo-${role}`;
        const password = generatePassword(16);
        const personId = role === 'manager' ? manager : undefined;
        // `--keep` reuses the store: the previous run's demo users give way to fresh ones.
        if (await engine.store.users.byUsername(username)) await removeUser(engine, { username, actor: 'cadre-demo' });
        await addUser(engine, { username, role, password, displayName: `Demo ${role}`, actor: 'cadre-demo', ...(personId !== undefined ? { personId } : {}) });
        lines.push(`  ${role.padEnd(9)} ${username.padEnd(15)} ${password}${personId !== undefined ? `   (manager of person ${personId} and their reports)` : ''}`);
      }
      opts.io.out(opts.io.c.bold(`\nSign in at ${url}/sign-in (demo users, this run only):`));
      for (const l of lines) opts.io.out(l);
    },
    close: () => app.close(),
  };
}
