/**
 * `$search` on users and groups as Graph serves it for directory objects: only with `ConsistencyLevel: eventual`
 * (no `$count` needed, unlike advanced `$filter`), clauses `"property:value"` joined by AND / OR, each matching
 * when a token of the property starts with the value (Graph tokenizes on spaces, punctuation and case changes, so
 * `"displayName:wil"` finds "Alex Wilber"). An unknown property or a clause without one is a 400.
 */
import { GraphError } from './errors.js';
import type { ResourceKind } from './query.js';

const SEARCHABLE: Record<ResourceKind, readonly string[]> = {
  user: ['displayName', 'givenName', 'surname', 'mail', 'mailNickname', 'userPrincipalName', 'otherMails', 'proxyAddresses', 'employeeId', 'jobTitle', 'department'],
  group: ['displayName', 'description', 'mail', 'mailNickname', 'proxyAddresses'],
};

/** Tokens of a value: split on whitespace, punctuation and lower→upper case changes, lower-cased. */
export function searchTokens(value: string): string[] {
  return value
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[\s.,;:_\-@'"()/\\+]+/)
    .filter((t) => t !== '')
    .map((t) => t.toLowerCase());
}

interface Clause { readonly prop: string; readonly value: string }

/** Parse `"displayName:al" OR "mail:al"` into alternatives of conjunctions (AND binds tighter than OR). */
function parse(text: string, kind: ResourceKind): Clause[][] {
  const parts = text.trim().split(/\s+(AND|OR)\s+/);
  const groups: Clause[][] = [[]];
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] as string;
    if (i % 2 === 1) {
      if (part === 'OR') groups.push([]);
      continue;
    }
    const m = /^"([^":]+):(.*)"$/.exec(part.trim());
    if (!m) throw new GraphError(400, 'Request_UnsupportedQuery', `Invalid $search clause ${part.trim()}: expected "property:value".`);
    const prop = SEARCHABLE[kind].find((p) => p.toLowerCase() === (m[1] as string).toLowerCase());
    if (!prop) throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query search clause specified for property '${m[1] as string}' of resource '${kind === 'user' ? 'User' : 'Group'}'.`);
    (groups[groups.length - 1] as Clause[]).push({ prop, value: (m[2] as string).toLowerCase() });
  }
  return groups;
}

/**
 * A predicate for `$search`, or undefined without one. Throws Graph's 400 when the header is missing or a clause is
 * invalid.
 */
export function compileSearch(text: string | null, kind: ResourceKind, headers: Record<string, string>): ((get: (p: string) => unknown) => boolean) | undefined {
  if (text === null) return undefined;
  if ((headers['consistencylevel'] ?? '').toLowerCase() !== 'eventual') {
    throw new GraphError(400, 'Request_UnsupportedQuery', "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
  }
  const alternatives = parse(text, kind);
  const matches = (get: (p: string) => unknown, c: Clause): boolean => {
    const v = get(c.prop);
    const values = Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
    const needle = searchTokens(c.value);
    return values.some((x) => {
      const tokens = searchTokens(x);
      // every token of the value must start a token of the property, in any order
      return needle.length > 0 && needle.every((n) => tokens.some((t) => t.startsWith(n)));
    });
  };
  return (get) => alternatives.some((all) => all.length > 0 && all.every((c) => matches(get, c)));
}
