/** The effect handlers an engine registers beside its target connectors, keyed by pseudo-target name. */
import type { CadreConfig } from '../../config/schema.js';
import type { Notifier } from '../../notify/index.js';
import type { PersonioClient } from '../../sources/personio/client.js';
import type { EffectHandler } from './contract.js';
import { notifyEffect } from './notify.js';
import { personioWriteBack } from './personio-write-back.js';

export type { EffectCommitContext, EffectHandler, EffectRunContext, RunSecret } from './contract.js';

/** What the built-in handlers need. */
export interface EffectDeps {
  readonly config: CadreConfig;
  readonly source: Pick<PersonioClient, 'updateEmployee'>;
  readonly notifier: Pick<Notifier, 'sendMail'>;
  readonly now?: () => Date;
}

/** The Personio write-back and the notifications. */
export function createEffectHandlers(deps: EffectDeps): ReadonlyMap<string, EffectHandler> {
  const handlers = [personioWriteBack(deps.source, deps.config), notifyEffect({ config: deps.config, notifier: deps.notifier, ...(deps.now ? { now: deps.now } : {}) })];
  return new Map(handlers.map((h) => [h.name, h]));
}
