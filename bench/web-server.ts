/**
 * The console alone in its own process for bench:web (as `cadre serve` runs it), so the load generator in the
 * parent does not share its event loop. usage: node --import tsx bench/web-server.ts <cadre.yaml>; prints
 * `listening at <url>` and serves until SIGTERM.
 */
import { loadConfigOrThrow } from '../src/config/load.js';
import { openEngine } from '../src/engine/engine.js';
import { createLogger } from '../src/engine/log.js';
import { buildApp } from '../src/web/app.js';

const file = process.argv[2];
if (!file) throw new Error('usage: web-server.ts <cadre.yaml>');
const engine = await openEngine(await loadConfigOrThrow(file), { log: createLogger('error') });
const app = await buildApp(engine);
const url = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening at ${url}`);
process.once('SIGTERM', () => {
  void app.close().then(() => engine.close()).then(() => process.exit(0));
});
