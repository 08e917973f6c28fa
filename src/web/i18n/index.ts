/** Message lookup and language negotiation (`Accept-Language`, overridden by the `lang` cookie). */
import { de } from './de.js';
import { en, type Catalogue, type MessageKey } from './en.js';

export type { MessageKey } from './en.js';

/** Supported UI languages; the first is the fallback. */
export const LANGS = ['en', 'de'] as const;
/** A UI language. */
export type Lang = (typeof LANGS)[number];

/** Name of the cookie the language switch sets. */
export const LANG_COOKIE = 'lang';

const CATALOGUES: Readonly<Record<Lang, Catalogue>> = { en, de };

/** Message variables. */
export type Vars = Readonly<Record<string, string | number>>;

/** A translation function for one language. */
export type Translate = (key: MessageKey, vars?: Vars) => string;

/** Whether a string names a supported language. */
export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}

/** The translator for a language; `{name}` placeholders are replaced (an unknown placeholder stays visible). */
export function translator(lang: Lang): Translate {
  const cat = CATALOGUES[lang];
  return (key, vars) => {
    const text = cat[key] ?? en[key] ?? key;
    return vars === undefined ? text : text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  };
}

/** Pick the best supported language from an `Accept-Language` header (q-values honoured). */
export function negotiate(header: string | undefined): Lang {
  if (!header) return LANGS[0];
  const ranked = header.split(',').map((part, i) => {
    const [tag = '', ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
  }).filter((r) => r.tag !== '' && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const base = r.tag.split('-')[0];
    if (isLang(base)) return base;
  }
  return LANGS[0];
}
