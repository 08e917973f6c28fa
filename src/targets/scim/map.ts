/**
 * Attribute paths of the SCIM target and the mapping between SCIM resources and Cadre attributes.
 * An attribute name in `targets.<name>.attributes` is a SCIM path:
 * - core: `userName`, `displayName`, `name.givenName`, `title`…;
 * - a value of a multi-valued attribute picked by a sub-attribute: `emails[type eq "work"].value`;
 * - the enterprise extension, short (`employeeNumber`, `department`, `costCenter`, `organization`, `division`,
 *   `manager`: the manager's resource id) or with its URN (`urn:…:enterprise:2.0:User:department`).
 */
import type { AttrValue, Change } from '../../core/model.js';

/** The enterprise user extension's schema URN (RFC 7643 §4.3). */
export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const ENTERPRISE_ATTRS = new Set(['employeenumber', 'costcenter', 'organization', 'division', 'department', 'manager']);
/** Attributes the server owns: never sent in a PUT. */
const READ_ONLY = new Set(['id', 'meta', 'groups', 'schemas']);

/** A parsed attribute path. */
export type ScimPath =
  | { readonly kind: 'core'; readonly attr: string; readonly sub?: string }
  | { readonly kind: 'multi'; readonly attr: string; readonly key: string; readonly keyValue: string; readonly sub: string }
  | { readonly kind: 'ext'; readonly urn: string; readonly attr: string; readonly sub?: string };

const NAME = '[A-Za-z][A-Za-z0-9_$-]*';
const CORE = new RegExp(`^(${NAME})(?:\\.(${NAME}))?$`);
const MULTI = new RegExp(`^(${NAME})\\[(${NAME}) eq ("(?:[^"\\\\]|\\\\.)*")\\]\\.(${NAME})$`);
const URN = new RegExp(`^(urn:[A-Za-z0-9:._-]+):(${NAME})(?:\\.(${NAME}))?$`);

/** Parse an attribute path; undefined when it is none of the supported forms. */
export function parsePath(path: string): ScimPath | undefined {
  const urn = URN.exec(path);
  if (urn?.[1] && urn[2]) {
    const attr = urn[2];
    const sub = urn[3] ?? (attr.toLowerCase() === 'manager' && urn[1] === ENTERPRISE_URN ? 'value' : undefined);
    return { kind: 'ext', urn: urn[1], attr, ...(sub ? { sub } : {}) };
  }
  const multi = MULTI.exec(path);
  if (multi?.[1] && multi[2] && multi[3] && multi[4]) {
    let keyValue: string;
    try {
      keyValue = JSON.parse(multi[3]) as string;
    } catch {
      return undefined;
    }
    return { kind: 'multi', attr: multi[1], key: multi[2], keyValue, sub: multi[4] };
  }
  const core = CORE.exec(path);
  if (core?.[1]) {
    const attr = core[1];
    if (core[2] === undefined && ENTERPRISE_ATTRS.has(attr.toLowerCase())) {
      return { kind: 'ext', urn: ENTERPRISE_URN, attr, ...(attr.toLowerCase() === 'manager' ? { sub: 'value' } : {}) };
    }
    if (attr.toLowerCase() === 'manager' && core[2] !== undefined) return { kind: 'ext', urn: ENTERPRISE_URN, attr, sub: core[2] };
    return { kind: 'core', attr, ...(core[2] ? { sub: core[2] } : {}) };
  }
  return undefined;
}

/** The attribute path as a filter operand (`emails.value` for any email: a taken value is taken whatever its type). */
export function filterPath(p: ScimPath): string {
  if (p.kind === 'ext') return `${p.urn}:${p.attr}${p.sub ? `.${p.sub}` : ''}`;
  if (p.kind === 'multi') return `${p.attr}.${p.sub}`;
  return p.sub ? `${p.attr}.${p.sub}` : p.attr;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Case-insensitive key lookup (SCIM attribute names are case-insensitive, RFC 7643 §2.1). */
function keyOf(o: Json, name: string): string {
  const lc = name.toLowerCase();
  return Object.keys(o).find((k) => k.toLowerCase() === lc) ?? name;
}
const getKey = (o: Json, name: string): unknown => o[keyOf(o, name)];

const sameCi = (a: unknown, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

function toAttr(v: unknown): AttrValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return JSON.stringify(v);
}

/** The value at a path of a resource (null when absent). */
export function readPath(resource: Json, p: ScimPath): AttrValue {
  if (p.kind === 'ext') {
    const ext = getKey(resource, p.urn);
    if (!isObj(ext)) return null;
    const v = getKey(ext, p.attr);
    return toAttr(p.sub ? (isObj(v) ? getKey(v, p.sub) : undefined) : v);
  }
  const v = getKey(resource, p.attr);
  if (p.kind === 'multi') {
    if (!Array.isArray(v)) return null;
    const hit = v.find((e) => isObj(e) && sameCi(getKey(e, p.key), p.keyValue));
    return isObj(hit) ? toAttr(getKey(hit, p.sub)) : null;
  }
  return toAttr(p.sub ? (isObj(v) ? getKey(v, p.sub) : undefined) : v);
}

const empty = (v: AttrValue | undefined): boolean => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** Set (or, for an empty value, remove) the value at a path, in place. */
export function writePath(resource: Json, p: ScimPath, value: AttrValue | undefined): void {
  const setIn = (o: Json, name: string, v: unknown): void => {
    const k = keyOf(o, name);
    if (v === undefined) delete o[k];
    else o[k] = v;
  };
  const val = empty(value) ? undefined : value;
  if (p.kind === 'ext') {
    const k = keyOf(resource, p.urn);
    const ext: Json = isObj(resource[k]) ? { ...(resource[k] as Json) } : {};
    if (p.sub) {
      const cur = getKey(ext, p.attr);
      if (val === undefined) setIn(ext, p.attr, undefined);
      else setIn(ext, p.attr, { ...(isObj(cur) ? cur : {}), [p.sub]: val });
    } else {
      setIn(ext, p.attr, val);
    }
    resource[k] = ext;
    return;
  }
  if (p.kind === 'multi') {
    const k = keyOf(resource, p.attr);
    const list = Array.isArray(resource[k]) ? [...(resource[k] as unknown[])] : [];
    const i = list.findIndex((e) => isObj(e) && sameCi(getKey(e, p.key), p.keyValue));
    if (val === undefined) {
      if (i >= 0) list.splice(i, 1);
    } else if (i >= 0) {
      list[i] = { ...(list[i] as Json), [p.sub]: val };
    } else {
      list.push({ [p.key]: p.keyValue, [p.sub]: val });
    }
    if (list.length === 0) delete resource[k];
    else resource[k] = list;
    return;
  }
  if (p.sub) {
    const k = keyOf(resource, p.attr);
    const cur: Json = isObj(resource[k]) ? { ...(resource[k] as Json) } : {};
    setIn(cur, p.sub, val);
    if (Object.keys(cur).length === 0) delete resource[k];
    else resource[k] = cur;
    return;
  }
  setIn(resource, p.attr, val);
}

/** Mapping of one target: the configured attributes, parsed. */
export interface ScimMapping {
  readonly paths: ReadonlyMap<string, ScimPath>;
  /** The correlation attribute's path (`externalId` by default). */
  readonly correlation: ScimPath;
  readonly correlationAttribute: string;
}

/** Parse every configured attribute; throws CONFIG_INVALID naming the ones that are not SCIM paths. */
export function buildMapping(name: string, attributes: readonly string[], correlationAttribute: string): ScimMapping {
  const paths = new Map<string, ScimPath>();
  const bad: string[] = [];
  for (const a of attributes) {
    const p = parsePath(a);
    if (!p) bad.push(`targets.${name}.attributes.${a}: not a SCIM attribute path (e.g. name.givenName, emails[type eq "work"].value, department)`);
    else if (p.kind === 'core' && READ_ONLY.has(p.attr.toLowerCase())) bad.push(`targets.${name}.attributes.${a}: read-only SCIM attribute`);
    else if (p.kind === 'core' && p.attr.toLowerCase() === 'active') bad.push(`targets.${name}.attributes.${a}: active follows enable/disable; do not map it`);
    else paths.set(a, p);
  }
  const correlation = parsePath(correlationAttribute);
  if (!correlation || correlation.kind === 'multi') bad.push(`targets.${name}.options.correlationAttribute: ${correlationAttribute} is not a single-valued SCIM attribute path`);
  if (bad.length > 0) throw Object.assign(new Error(bad.join('; ')), { code: 'CONFIG_INVALID' });
  return { paths, correlation: correlation as ScimPath, correlationAttribute };
}

/** Config-time check of the attribute names (paths relative to the target block), for `cadre validate`. */
export function scimAttributeProblems(attributes: readonly string[]): { path: readonly string[]; message: string }[] {
  const out: { path: readonly string[]; message: string }[] = [];
  for (const a of attributes) {
    const p = parsePath(a);
    if (!p) out.push({ path: ['attributes', a], message: 'not a SCIM attribute path (e.g. name.givenName, emails[type eq "work"].value, department)' });
    else if (p.kind === 'core' && (READ_ONLY.has(p.attr.toLowerCase()) || p.attr.toLowerCase() === 'active')) {
      out.push({ path: ['attributes', a], message: 'read-only, or set by enable/disable: do not map it' });
    }
  }
  return out;
}

/** The resource's configured attributes, keyed by attribute name. */
export function resourceAttributes(m: ScimMapping, resource: Json): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const [a, p] of m.paths) out[a] = readPath(resource, p);
  return out;
}

/** A new resource body (POST) from attribute values. */
export function newResource(m: ScimMapping, values: Readonly<Record<string, AttrValue>>, correlation: string, active: boolean): Json {
  const r: Json = { schemas: [CORE_USER_URN], active };
  for (const [a, v] of Object.entries(values)) {
    const p = m.paths.get(a);
    if (p && !(a === m.correlationAttribute)) writePath(r, p, v);
  }
  writePath(r, m.correlation, correlation);
  if (isObj(r[ENTERPRISE_URN])) r.schemas = [CORE_USER_URN, ENTERPRISE_URN];
  return r;
}

/** A PUT body: the current resource with the changes applied and the server's read-only attributes removed. */
export function replacedResource(m: ScimMapping, current: Json, changes: readonly Change[], active?: boolean): Json {
  const r: Json = JSON.parse(JSON.stringify(current)) as Json;
  for (const k of Object.keys(r)) if (READ_ONLY.has(k.toLowerCase())) delete r[k];
  for (const c of changes) {
    const p = c.attribute === m.correlationAttribute ? m.correlation : m.paths.get(c.attribute);
    if (p) writePath(r, p, c.to);
  }
  if (active !== undefined) r[keyOf(r, 'active')] = active;
  const schemas = [CORE_USER_URN, ...(isObj(r[keyOf(r, ENTERPRISE_URN)]) ? [ENTERPRISE_URN] : [])];
  return { schemas, ...r };
}

/** One PatchOp operation (RFC 7644 §3.5.2). */
export interface PatchOperation {
  readonly op: 'add' | 'remove' | 'replace';
  readonly path?: string;
  readonly value?: unknown;
}

/**
 * PatchOp operations for attribute changes. A multi-valued attribute is replaced whole, computed from the
 * current resource (values of other types stay), because a `valuePath` replace of an absent value is
 * `noTarget` on many servers.
 */
export function patchOperations(m: ScimMapping, changes: readonly Change[], current?: Json): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const c of changes) {
    const p = c.attribute === m.correlationAttribute ? m.correlation : m.paths.get(c.attribute);
    if (!p) continue;
    const gone = empty(c.to);
    if (p.kind === 'multi') {
      const copy: Json = current ? JSON.parse(JSON.stringify(current)) as Json : {};
      writePath(copy, p, c.to);
      const list = copy[keyOf(copy, p.attr)];
      ops.push(Array.isArray(list) ? { op: 'replace', path: p.attr, value: list } : { op: 'remove', path: p.attr });
    } else if (p.kind === 'ext' && p.sub) {
      // A complex extension attribute (manager) is set whole: `manager.value` paths are not understood everywhere.
      const path = `${p.urn}:${p.attr}`;
      ops.push(gone ? { op: 'remove', path } : { op: 'replace', path, value: { [p.sub]: c.to } });
    } else {
      const path = filterPath(p);
      ops.push(gone ? { op: 'remove', path } : { op: 'replace', path, value: c.to });
    }
  }
  return ops;
}

/** Whether any change touches a multi-valued attribute (PATCH then needs the current resource). */
export function needsCurrent(m: ScimMapping, changes: readonly Change[]): boolean {
  return changes.some((c) => m.paths.get(c.attribute)?.kind === 'multi');
}
