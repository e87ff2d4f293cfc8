// PCRE 8's \p{...} / \P{...} as the body of a JS character class. With "u" the subject is
// code points and JS's own \p (u flag) does the work; without it PCRE still applies the
// properties to the byte values 0-255, so the class lists the bytes that have the property.

/** General categories PCRE knows (JS's \p accepts the same short names). */
const GENERAL = new Set([
  "C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
  "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm",
  "So", "Z", "Zl", "Zp", "Zs",
]);

/** PCRE's special names, as class bodies in u mode. */
const SPECIAL: Readonly<Record<string, string>> = {
  "Any": "\\u{0}-\\u{10ffff}",
  "L&": "\\p{Lu}\\p{Ll}\\p{Lt}",
  "Xan": "\\p{L}\\p{N}",
  "Xwd": "\\p{L}\\p{N}_",
  "Xsp": "\\p{Z}\\t\\n\\v\\f\\r",
  "Xps": "\\p{Z}\\t\\n\\v\\f\\r",
};

const bodies = new Map<string, string | undefined>();

/** The u-mode class body for property `name`, or undefined when PCRE does not know it. */
function unicodeBody(name: string): string | undefined {
  if (bodies.has(name)) return bodies.get(name);
  let body: string | undefined = SPECIAL[name];
  if (body === undefined && GENERAL.has(name)) body = `\\p{${name}}`;
  if (body === undefined && /^[A-Z][A-Za-z_]*$/.test(name)) {
    // A script name ("Greek", "Old_Italic"): valid when JS knows the script.
    try {
      new RegExp(`\\p{Script=${name}}`, "u");
      body = `\\p{Script=${name}}`;
    } catch {
      body = undefined;
    }
  }
  bodies.set(name, body);
  return body;
}

const byteSets = new Map<string, string>();

/** The bytes 0-255 in (or, `negated`, out of) the property, as a class body of \xHH ranges. */
function byteBody(body: string, negated: boolean): string {
  const key = (negated ? "^" : "") + body;
  const known = byteSets.get(key);
  if (known !== undefined) return known;
  const re = new RegExp(`[${body}]`, "u");
  let out = "";
  let c = 0;
  while (c < 256) {
    if (re.test(String.fromCharCode(c)) === negated) {
      c++;
      continue;
    }
    let e = c;
    while (e + 1 < 256 && re.test(String.fromCharCode(e + 1)) !== negated) e++;
    const hx = (n: number): string => "\\x" + n.toString(16).padStart(2, "0");
    out += e > c ? `${hx(c)}-${hx(e)}` : hx(c);
    c = e + 1;
  }
  byteSets.set(key, out);
  return out;
}

export interface PropertyClass {
  /** Class body text (without brackets). */
  readonly body: string;
  /** The body stands for the complement (u mode: wrap as [^body]); false when folded in. */
  readonly negated: boolean;
}

/**
 * `name` of \p{name} (`negated` for \P or \p{^name}); undefined for an unknown name. In u
 * mode a negation stays a flag for the caller; without u the complement is computed here.
 */
export function propertyClass(name: string, negated: boolean, unicode: boolean): PropertyClass | undefined {
  const body = unicodeBody(name);
  if (body === undefined) return undefined;
  if (unicode) return { body, negated };
  return { body: byteBody(body, negated), negated: false };
}

/** The same as one item inside a class: a negated u-mode property must be a single \p. */
export function propertyInClass(name: string, negated: boolean, unicode: boolean): string | undefined {
  const pc = propertyClass(name, negated, unicode);
  if (pc === undefined) return undefined;
  if (!pc.negated) return pc.body;
  const one = /^\\p\{([^}]+)\}$/.exec(pc.body);
  return one ? `\\P{${one[1]}}` : pc.body;
}
