// Test helpers: a tiny evaluator of Lua literal expressions (table constructors, strings,
// numbers and a few named values) so that the same case text builds a value both here and
// in the reference luajit, and a canonical dump of Lua values that both sides print alike.
import { LuaTable } from "../../src/lua/runtime/table.js";
import { LUA_NULL, type LuaFunction, type LuaUserdata, type LuaValue } from "../../src/lua/runtime/value.js";
import { formatG } from "../../src/lib/numfmt.js";

export interface Names {
  readonly [name: string]: LuaValue | ((...args: LuaValue[]) => LuaValue);
}

/** Placeholders for values Lua code would pass: a function, a thread and a full userdata. */
export const FN: LuaFunction = () => undefined;
export const THREAD = Object.freeze({ mt: undefined, luaType: "thread" }) as unknown as LuaUserdata;
export const USERDATA: LuaUserdata = Object.freeze({ mt: undefined });

class Parser {
  private i = 0;
  constructor(private readonly s: string, private readonly names: Names) {}

  parse(): LuaValue {
    const v = this.expr(0);
    this.ws();
    if (this.i !== this.s.length) throw new Error(`trailing text at ${this.i} in ${this.s}`);
    return v;
  }

  /** Argument list of a call written `name(a, b)`. */
  parseCall(): { name: string; args: LuaValue[] } {
    this.ws();
    const name = this.ident();
    this.expect("(");
    const args = this.list(")");
    this.ws();
    if (this.i !== this.s.length) throw new Error(`trailing text in ${this.s}`);
    return { name, args };
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  private peek(t: string): boolean {
    this.ws();
    return this.s.startsWith(t, this.i);
  }
  private expect(t: string): void {
    if (!this.peek(t)) throw new Error(`expected ${t} at ${this.i} in ${this.s}`);
    this.i += t.length;
  }
  private ident(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (m === null) throw new Error(`name expected at ${this.i} in ${this.s}`);
    this.i += m[0].length;
    return m[0];
  }
  private list(close: string): LuaValue[] {
    const out: LuaValue[] = [];
    if (this.peek(close)) {
      this.i += close.length;
      return out;
    }
    for (;;) {
      out.push(this.expr(0));
      if (this.peek(",")) {
        this.i++;
        continue;
      }
      this.expect(close);
      return out;
    }
  }

  // Precedence climbing over + - * / ^ and unary minus (numbers only) and .. (strings).
  private expr(minPrec: number): LuaValue {
    let left = this.unary();
    for (;;) {
      this.ws();
      const op = ["..", "+", "-", "*", "/", "^"].find((o) => this.s.startsWith(o, this.i));
      if (op === undefined) return left;
      const prec = op === ".." ? 1 : op === "+" || op === "-" ? 2 : op === "^" ? 5 : 3;
      if (prec < minPrec) return left;
      this.i += op.length;
      const right = this.expr(op === "^" || op === ".." ? prec : prec + 1);
      if (op === "..") left = String(left) + String(right);
      else {
        const a = left as number, b = right as number;
        left = op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : op === "/" ? a / b : Math.pow(a, b);
      }
    }
  }

  private unary(): LuaValue {
    if (this.peek("-")) {
      this.i++;
      return -(this.expr(4) as number);
    }
    return this.primary();
  }

  private primary(): LuaValue {
    this.ws();
    const c = this.s[this.i]!;
    if (c === "{") return this.table();
    if (c === "(") {
      this.i++;
      const v = this.expr(0);
      this.expect(")");
      return v;
    }
    if (c === '"' || c === "'") return this.string();
    const num = /^(0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(this.s.slice(this.i));
    if (num !== null) {
      this.i += num[0].length;
      return Number(num[0]);
    }
    const name = this.ident();
    if (name === "nil") return undefined;
    if (name === "true") return true;
    if (name === "false") return false;
    if (!(name in this.names)) throw new Error(`unknown name ${name} in ${this.s}`);
    const v = this.names[name];
    if (this.peek("(") && typeof v === "function" && v !== FN) {
      this.i++;
      return (v as (...a: LuaValue[]) => LuaValue)(...this.list(")"));
    }
    return v as LuaValue;
  }

  private string(): string {
    const q = this.s[this.i++]!;
    let out = "";
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) throw new Error(`unfinished string in ${this.s}`);
      if (c === q) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.s[this.i++]!;
      const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "\\": "\\", '"': '"', "'": "'" };
      if (e in simple) out += simple[e];
      else if (/\d/.test(e)) {
        let d = e;
        while (d.length < 3 && /\d/.test(this.s[this.i] ?? "")) d += this.s[this.i++];
        out += String.fromCharCode(Number(d));
      } else throw new Error(`escape \\${e} in ${this.s}`);
    }
  }

  // As a Lua constructor: positional items form the array part (holes included) and win
  // over keyed fields of the same index.
  private table(): LuaTable {
    this.expect("{");
    const items: LuaValue[] = [];
    const keyed: [LuaValue, LuaValue][] = [];
    for (;;) {
      if (this.peek("}")) {
        this.i++;
        break;
      }
      if (this.peek("[")) {
        this.i++;
        const k = this.expr(0);
        this.expect("]");
        this.expect("=");
        keyed.push([k, this.expr(0)]);
      } else {
        const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/.exec(this.s.slice(this.i));
        if (m !== null) {
          this.i += m[0].length;
          keyed.push([m[1]!, this.expr(0)]);
        } else items.push(this.expr(0));
      }
      if (this.peek(",") || this.peek(";")) this.i++;
      else {
        this.expect("}");
        break;
      }
    }
    const n = items.length;
    const t = new LuaTable(items);
    for (const [k, v] of keyed) {
      if (typeof k === "number" && Number.isInteger(k) && k >= 1 && k <= n) continue;
      t.set(k, v);
    }
    return t;
  }
}

/** Evaluate a Lua literal expression. */
export function luaLiteral(src: string, names: Names): LuaValue {
  return new Parser(src, names).parse();
}

/** Parse `name(args...)` with literal arguments. */
export function luaCall(src: string, names: Names): { name: string; args: LuaValue[] } {
  return new Parser(src, names).parseCall();
}

/** Bytes outside printable ASCII, and the backslash, as \xx: readable and exact. */
export function esc(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\xff\\]/g, (c) => "\\" + c.charCodeAt(0).toString(16).padStart(2, "0"));
}

/** A canonical text for a Lua value (the Lua twin is DUMP_LUA below). */
export function dump(v: LuaValue, arrayMt?: LuaTable): string {
  switch (typeof v) {
    case "undefined":
      return "nil";
    case "boolean":
      return String(v);
    case "number":
      return v !== v ? "nan" : formatG(v, 17);
    case "string":
      return '"' + esc(v) + '"';
    case "function":
      return "function";
  }
  if (v instanceof LuaTable) {
    const items: [string, string][] = [];
    let k: LuaValue = undefined;
    for (;;) {
      const e = v.next(k);
      if (e === undefined || e === false) break;
      items.push([dump(e[0], arrayMt), dump(e[1], arrayMt)]);
      k = e[0];
    }
    items.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return "{" + items.map(([a, b]) => a + "=" + b).join(",") + "}" + (arrayMt !== undefined && v.mt === arrayMt ? "@A" : "");
  }
  if (v === LUA_NULL) return "null";
  return "userdata";
}

/** The Lua definitions of esc() and dump(), matching the TS ones. */
export const DUMP_LUA = String.raw`
local function esc(s)
  return (s:gsub("[%z\1-\31\127-\255\\]", function(c) return string.format("\\%02x", c:byte()) end))
end
local function dump(v, array_mt)
  local t = type(v)
  if t == "nil" then return "nil" end
  if t == "boolean" then return tostring(v) end
  if t == "number" then
    if v ~= v then return "nan" end
    return string.format("%.17g", v)
  end
  if t == "string" then return '"' .. esc(v) .. '"' end
  if t == "function" then return "function" end
  if t == "table" then
    local items = {}
    for k, x in pairs(v) do items[#items + 1] = { dump(k, array_mt), dump(x, array_mt) } end
    table.sort(items, function(a, b) return a[1] < b[1] end)
    local parts = {}
    for i, kv in ipairs(items) do parts[i] = kv[1] .. "=" .. kv[2] end
    return "{" .. table.concat(parts, ",") .. "}" .. ((array_mt ~= nil and getmetatable(v) == array_mt) and "@A" or "")
  end
  if v == null then return "null" end
  return "userdata"
end
`;

/** A JS byte string as a Lua string literal that luajit reads back byte for byte. */
export function luaQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 32 && c < 127 && c !== 34 && c !== 92) out += s[i];
    else out += "\\" + String(c).padStart(3, "0");
  }
  return out + '"';
}
