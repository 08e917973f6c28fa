/** `cadre users add|passwd|remove|list`: local console users (argon2id hashes in the store, changes audited). */
import { CadreError, EXIT } from '../../engine/errors.js';
import { addUser, publicUser, removeUser, setUserPassword } from '../../engine/web-users.js';
import { commonOptions, configPath, parse } from '../args.js';
import { withEngine } from '../context.js';
import type { Io } from '../io.js';
import { newPassword } from '../password-prompt.js';

const USAGE = 'usage: cadre users add USER --role admin|helpdesk|manager|auditor [--name "Display Name"] [--person ID] [--password-stdin]'
  + ' | cadre users passwd USER [--password-stdin] | cadre users remove USER | cadre users list';

const actor = (): string => (process.env.USER ? `cli:${process.env.USER}` : 'cli');

export async function usersCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, {
    ...commonOptions, role: { type: 'string' }, name: { type: 'string' }, person: { type: 'string' }, 'password-stdin': { type: 'boolean' },
    // Refused on purpose: a password on the command line ends up in `ps` and the shell history.
    password: { type: 'string' },
  }, true);
  if (values.password !== undefined) throw new CadreError('USAGE', 'passwords are never taken on the command line: you are prompted, or use --password-stdin', EXIT.usage);
  const file = configPath(values.config);
  const username = positionals[0];
  if (sub === 'list') {
    if (positionals.length > 0) throw new CadreError('USAGE', USAGE, EXIT.usage);
    return withEngine(file, async (engine) => {
      const users = await engine.store.users.list();
      if (values.json) { io.out(JSON.stringify(users.map(publicUser), null, 2)); return EXIT.ok; }
      if (users.length === 0) { io.out('No local users. Add one with: cadre users add USER --role admin'); return EXIT.ok; }
      for (const u of users) {
        io.out(`${u.username.padEnd(20)} ${u.role.padEnd(9)} ${u.displayName}${u.personId !== undefined ? `  (person ${u.personId})` : ''}${u.disabled ? io.c.dim(' disabled') : ''}`);
      }
      return EXIT.ok;
    }, { storeOnly: true });
  }
  if (username === undefined || positionals.length > 1 || !['add', 'passwd', 'remove'].includes(sub ?? '')) throw new CadreError('USAGE', USAGE, EXIT.usage);
  if (sub === 'add' && values.role === undefined) throw new CadreError('USAGE', `a user needs --role\n${USAGE}`, EXIT.usage);
  return withEngine(file, async (engine) => {
    if (sub === 'remove') {
      const removed = await removeUser(engine, { username, actor: actor() });
      io.out(values.json ? JSON.stringify(publicUser(removed)) : `removed ${removed.username}; their sessions end at their next request.`);
      return EXIT.ok;
    }
    const password = await newPassword(values['password-stdin'] === true);
    if (sub === 'passwd') {
      const user = await setUserPassword(engine, { username, password, actor: actor() });
      io.out(values.json ? JSON.stringify(publicUser(user)) : `password of ${user.username} changed.`);
      return EXIT.ok;
    }
    const user = await addUser(engine, {
      username, role: values.role ?? '', password, actor: actor(),
      ...(values.name !== undefined ? { displayName: values.name } : {}),
      ...(values.person !== undefined ? { personId: values.person } : {}),
    });
    io.out(values.json ? JSON.stringify(publicUser(user)) : `added ${user.username} (${user.role}).`);
    // A manager sees only their reports; without a person they see nobody.
    if (user.role === 'manager' && user.personId === undefined) io.err('note: this manager has no --person: the console shows them nobody until one is linked (remove and add again with --person ID)');
    return EXIT.ok;
  }, { storeOnly: true });
}
