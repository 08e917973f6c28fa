/**
 * Active Directory target (LDAP over TLS with ldapts). See `guard.ts` for the options.
 */
import type { TargetFactory } from '../contract.js';
import { AdLdap } from './client.js';
import { createAdConnector } from './connector.js';
import { AdTargetError } from './errors.js';
import { adTargetProblems, parseAdTargetOptions } from './guard.js';

export { adTargetGuard, adTargetProblems, parseAdTargetOptions } from './guard.js';
export type { AdTargetOptions } from './guard.js';
export { AdTargetError, AD_ERROR_CODES } from './errors.js';
export { escapeDnValue, escapeFilterValue } from './escape.js';
export { generatePassword } from './password.js';

/**
 * Create an AD target connector. Throws a coded `CONFIG_INVALID` error naming the option path on bad options.
 * Nothing connects until the first call.
 */
export const createAdTarget: TargetFactory = async (name, options, deps, target) => {
  const parsed = parseAdTargetOptions(name, options);
  // The end of the last day is local: an explicit zone wins, else the lifecycle's.
  const opts = { ...parsed, timezone: parsed.timezone ?? deps.timezone ?? 'UTC' };
  // ldapts' debug log (NODE_DEBUG=ldapts) prints whole add/modify requests, unicodePwd included.
  if (/(^|[,\s])(ldapts|\*)($|[,\s])/i.test(process.env['NODE_DEBUG'] ?? '')) {
    throw new AdTargetError('CONFIG_INVALID', `targets.${name}: NODE_DEBUG=ldapts would write passwords into the log; unset it`);
  }
  const problems = adTargetProblems(options, target.attributes, []).filter((p) => p.path[0] === 'attributes');
  if (problems.length > 0) throw new AdTargetError('CONFIG_INVALID', problems.map((p) => `targets.${name}.${p.path.join('.')}: ${p.message}`).join('; '));
  const ldap = new AdLdap(opts, deps.log, name);
  return createAdConnector(name, opts, ldap, deps, target);
};
