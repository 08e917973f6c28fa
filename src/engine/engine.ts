/**
 * The engine wires source, store, targets, audit and notifications. CLI, daemon and web console
 * call it; none of them holds business logic.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CadreConfig } from '../config/schema.js';
import { createAuditLog } from '../audit/log.js';
import { literalGrants } from '../core/rules/entitlements.js';
import { createNotifier } from '../notify/index.js';
import { createPersonioClient } from '../sources/personio/client.js';
import type { PersonioClient } from '../sources/personio/client.js';
import { createPersonioV2Client } from '../sources/personio/v2/client.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import type { TargetConnector } from '../targets/contract.js';
import { createTarget } from '../targets/registry.js';
import { createEffectHandlers, type EffectHandler } from './effects/index.js';
import { createLogger, type Logger } from './log.js';

/** A ready engine: everything opened, migrations run. */
export interface Engine {
  readonly config: CadreConfig;
  readonly store: Store;
  readonly audit: ReturnType<typeof createAuditLog>;
  readonly source: PersonioClient;
  readonly notifier: ReturnType<typeof createNotifier>;
  readonly targets: ReadonlyMap<string, TargetConnector>;
  /** Handlers of the plan's pseudo-targets (Personio write-back, notifications), dispatched like targets. */
  readonly effects: ReadonlyMap<string, EffectHandler>;
  readonly log: Logger;
  /** Current time; injectable so tests and the demo can move the clock. */
  now(): Date;
  close(): Promise<void>;
}

/** Options for {@link openEngine}. */
export interface EngineOptions {
  readonly log?: Logger;
  readonly now?: () => Date;
  /** Open only the store (audit commands need no source or targets). */
  readonly storeOnly?: boolean;
}

/** Open store, source, targets and notifier for a validated config. */
export async function openEngine(config: CadreConfig, opts: EngineOptions = {}): Promise<Engine> {
  const log = opts.log ?? createLogger();
  if (config.store.driver === 'sqlite') mkdirSync(dirname(config.store.path), { recursive: true });
  const store = await createStore(config.store);
  await store.migrate();
  const now = opts.now ?? (() => new Date());
  const audit = createAuditLog(store, { now });
  const targets = new Map<string, TargetConnector>();
  const opened: TargetConnector[] = [];
  try {
    if (!opts.storeOnly) {
      for (const [name, target] of Object.entries(config.targets)) {
        if (!target.enabled) continue;
        const connector = await createTarget(name, target, { log: log.child({ target: name }), timezone: config.lifecycle.timezone, grants: literalGrants(config, name) });
        targets.set(name, connector);
        opened.push(connector);
      }
    }
  } catch (err) {
    await Promise.allSettled(opened.map((c) => c.close()));
    await store.close();
    throw err;
  }
  const sourceDeps = { log: log.child({ source: 'personio' }) };
  const source = config.source.apiVersion === 'v2' ? createPersonioV2Client(config.source, sourceDeps) : createPersonioClient(config.source, sourceDeps);
  const notifier = createNotifier(config.notifications, { log: log.child({ component: 'notify' }) });
  const effects = createEffectHandlers({ config, source, notifier, now });
  return {
    config, store, audit, source, notifier, targets, effects, log, now,
    async close() {
      await Promise.allSettled([...targets.values()].map((c) => c.close()));
      await store.close();
    },
  };
}
