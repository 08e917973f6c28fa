/** Opens config + engine for a command and always closes it. */
import { loadConfigOrThrow } from '../config/load.js';
import { openEngine, type Engine, type EngineOptions } from '../engine/engine.js';

/** Run `fn` with an engine opened from the config file. */
export async function withEngine<T>(file: string, fn: (engine: Engine) => Promise<T>, opts: EngineOptions = {}): Promise<T> {
  const config = await loadConfigOrThrow(file);
  const engine = await openEngine(config, opts);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}
