/** `cadre personio webhooks register|list|remove`: manage Personio's v2 webhooks for this installation. */
import { registerSecret } from '../../config/secrets.js';
import { loadConfigOrThrow } from '../../config/load.js';
import { CadreError, EXIT } from '../../engine/errors.js';
import { createLogger } from '../../engine/log.js';
import { createWebhookApi, DEFAULT_WEBHOOK_EVENTS } from '../../sources/personio/v2/webhooks-api.js';
import { commonOptions, configPath, parse } from '../args.js';
import type { Io } from '../io.js';

const USAGE = 'usage: cadre personio webhooks register --url URL --token-env NAME [--events a,b] | list | remove ID';

export async function personioCommand(args: string[], io: Io): Promise<number> {
  const [area, sub, ...rest] = args;
  const { values, positionals } = parse(rest, { ...commonOptions, url: { type: 'string' }, 'token-env': { type: 'string' }, events: { type: 'string' } }, true);
  if (area !== 'webhooks' || (sub !== 'register' && sub !== 'list' && sub !== 'remove')) throw new CadreError('USAGE', USAGE, EXIT.usage);
  const config = await loadConfigOrThrow(configPath(values.config));
  const api = createWebhookApi(config.source, { log: createLogger() });
  if (sub === 'list') {
    const hooks = await api.list();
    if (values.json) io.out(JSON.stringify(hooks, null, 2));
    else if (hooks.length === 0) io.out('No webhooks.');
    else for (const h of hooks) io.out(`${h.id}  ${h.status}  ${h.url}  ${h.events.join(',')}`);
    return EXIT.ok;
  }
  if (sub === 'remove') {
    const id = positionals[0];
    if (id === undefined || positionals.length > 1) throw new CadreError('USAGE', USAGE, EXIT.usage);
    await api.remove(id);
    io.out(`webhook ${id} removed`);
    return EXIT.ok;
  }
  // The token comes from the environment, never from the command line (shell history, process list).
  const tokenEnv = values['token-env'];
  const token = tokenEnv ? process.env[tokenEnv] : undefined;
  if (!values.url || !token) throw new CadreError('USAGE', `${USAGE}\n(--token-env names an environment variable holding the webhook token)`, EXIT.usage);
  // Personio may quote the rejected request in its error; the CLI redacts registered secrets from what it prints.
  registerSecret(token);
  const events = values.events ? values.events.split(',').map((e) => e.trim()).filter((e) => e !== '') : [...DEFAULT_WEBHOOK_EVENTS];
  const hook = await api.register({ url: values.url, token, events });
  if (values.json) io.out(JSON.stringify(hook, null, 2));
  else io.out(`webhook ${hook.id} registered and ${hook.status}: ${hook.url} (${hook.events.join(',')})`);
  return EXIT.ok;
}
