// The charset maps nginx ships beside nginx.conf (koi-utf, koi-win, win-utf), for
// `include koi-utf` without the file: rendered from the character tables (KOI8-U with the
// Belarusian letters of KOI8-RU, and Windows-1251 as the WHATWG encodings define them), so
// they cover every letter and sign of both charsets; nginx's own files leave out the
// box-drawing characters (which nginx then turns into "?").

const KOI_EXTRA: Readonly<Record<number, string>> = { 0xae: "\u045e", 0xbe: "\u040e" };

function table(encoding: string, extra: Readonly<Record<number, string>> = {}): Map<number, string> {
  const dec = new TextDecoder(encoding);
  const m = new Map<number, string>();
  for (let b = 0x80; b < 0x100; b++) {
    const c = extra[b] ?? dec.decode(Uint8Array.of(b));
    // C1 controls and undefined positions are not characters of the charset.
    if (c === "\ufffd" || (c.charCodeAt(0) >= 0x80 && c.charCodeAt(0) < 0xa0)) continue;
    m.set(b, c);
  }
  return m;
}

const hex = (b: number): string => b.toString(16).toUpperCase().padStart(2, "0");

function toUtf8Map(from: string, t: Map<number, string>): string {
  let out = `charset_map ${from} utf-8 {\n`;
  for (const [b, c] of t) out += `    ${hex(b)} ${Buffer.from(c, "utf8").toString("hex").toUpperCase()};\n`;
  return out + "}\n";
}

function render(name: string): string | undefined {
  switch (name) {
    case "koi-utf":
      return toUtf8Map("koi8-r", table("koi8-u", KOI_EXTRA));
    case "win-utf":
      return toUtf8Map("windows-1251", table("windows-1251"));
    case "koi-win": {
      const win = new Map<string, number>();
      for (const [b, c] of table("windows-1251")) win.set(c, b);
      let out = "charset_map koi8-r windows-1251 {\n";
      for (const [b, c] of table("koi8-u", KOI_EXTRA)) {
        const w = win.get(c);
        if (w !== undefined) out += `    ${hex(b)} ${hex(w)};\n`;
      }
      return out + "}\n";
    }
    default:
      return undefined;
  }
}

const NAME = /(?:^|\/)(koi-utf|koi-win|win-utf)$/;

/** The bundled text for a missing koi-utf, koi-win or win-utf, else undefined. */
export function bundledCharsetMap(path: string): string | undefined {
  const m = NAME.exec(path);
  return m ? render(m[1]!) : undefined;
}
