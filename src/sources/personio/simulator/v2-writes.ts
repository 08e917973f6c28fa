/**
 * `PATCH /v2/persons/{person_id}` of the simulator ("Update a Person", scope `personio:persons:write`): a JSON body
 * with any of `email` (unique), `first_name`, `last_name`, `preferred_name` (not nullable), `gender`, `language_code`
 * and `custom_attributes: [{id, value}]`, answered 204 without a body; 400 and 404 in the problem+json shape. The
 * change lands in the same company as v1 (and fires `person.updated` like any change).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { attributeValue, calendarDate, isRecord, setAttributeValue } from '../raw.js';
import type { RawEmployee } from '../raw.js';
import type { SimCompany } from './company.js';
import { problem } from './v2.js';

const FIELDS = new Set(['email', 'first_name', 'last_name', 'preferred_name', 'gender', 'language_code', 'custom_attributes']);
const GENDERS: Readonly<Record<string, string | null>> = { MALE: 'male', FEMALE: 'female', DIVERSE: 'diverse', UNKNOWN: null, UNDEFINED: null };
const LANGUAGES = new Set(['en', 'de', 'es', 'fr', 'nl', 'it', 'sv', 'fi']);

/** A body the endpoint refuses (400). */
class Invalid extends Error {}

/** Registers the v2 write route; `authorized` answers 401 itself. */
export function registerV2Writes(app: FastifyInstance, company: SimCompany, authorized: (req: FastifyRequest, reply: FastifyReply) => boolean): void {
  app.patch<{ Params: { id: string } }>('/v2/persons/:id', async (req, reply) => {
    if (!authorized(req, reply)) return reply;
    const current = company.get(req.params.id);
    if (!current) return problem(reply, 404, 'Not found', 'The requested resource was not found.');
    const body = req.body;
    if (!isRecord(body)) return problem(reply, 400, 'Bad request', 'The request body must be a JSON object.');
    const next = structuredClone(current);
    try {
      for (const [field, v] of Object.entries(body)) {
        // Unverified: the documented schema lists only these properties; anything else is refused so client bugs show.
        if (!FIELDS.has(field)) throw new Invalid(`'${field}' is not a property of a Person.`);
        if (field === 'custom_attributes') { setCustom(company, next, v); continue; }
        if (field === 'gender') {
          if (v !== null && (typeof v !== 'string' || !(v in GENDERS))) throw new Invalid(`gender must be one of ${Object.keys(GENDERS).join(', ')}.`);
          setAttributeValue(next, 'gender', v === null ? null : GENDERS[v] ?? null);
          continue;
        }
        if (typeof v !== 'string' || (field !== 'preferred_name' && v.trim() === '')) throw new Invalid(`${field} must be a non-empty string.`);
        const s = v.trim();
        if (field === 'language_code' && !LANGUAGES.has(s)) throw new Invalid(`language_code must be one of ${[...LANGUAGES].join(', ')}.`);
        if (field === 'email') {
          if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) throw new Invalid(`The email '${s}' is invalid.`);
          const taken = company.list().some((e) => String(attributeValue(e, 'id')) !== req.params.id && String(attributeValue(e, 'email') ?? '').toLowerCase() === s.toLowerCase());
          if (taken) throw new Invalid('The email must be unique: another person has it.');
        }
        setAttributeValue(next, field, s);
      }
    } catch (e) {
      if (e instanceof Invalid) return problem(reply, 400, 'Bad request', `Provided request parameters are invalid: ${e.message}`);
      throw e;
    }
    company.upsert(next);
    return reply.code(204).send();
  });
}

function setCustom(company: SimCompany, next: RawEmployee, v: unknown): void {
  if (!Array.isArray(v)) throw new Invalid('custom_attributes must be a list of {id, value}.');
  const known = new Map(company.customAttributes().map((a) => [a.key, a]));
  for (const item of v) {
    if (!isRecord(item) || typeof item.id !== 'string') throw new Invalid('each custom attribute needs an id.');
    const def = known.get(item.id);
    if (!def) throw new Invalid(`custom attribute '${item.id}' does not exist.`);
    const raw = item.value;
    if (raw !== null && typeof raw !== 'string' && typeof raw !== 'number' && !(Array.isArray(raw) && raw.every((x) => typeof x === 'string'))) {
      throw new Invalid(`the value of custom attribute '${item.id}' must be a string, a list of strings or null.`);
    }
    // Kept as v1 shows it: lists as comma-separated text, dates as their calendar date.
    const value = raw === null ? null : Array.isArray(raw) ? raw.join(',') : String(raw).trim();
    if (def.type === 'date' && value !== null && value !== '' && !calendarDate(value)) throw new Invalid(`custom attribute '${item.id}' takes a date (YYYY-MM-DD).`);
    setAttributeValue(next, item.id, value === '' ? null : value, def.label, def.type);
  }
}
