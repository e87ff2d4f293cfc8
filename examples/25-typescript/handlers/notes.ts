// GET /notes/ID: the note stored in Redis (JSON), 404 when there is none.
// PUT /notes/ID with {"text": "..."}: stores it, with the time it was written.
import type { Ngx } from "tsresty";
import Redis from "tsresty/resty/redis";
import cjson from "tsresty/cjson";

interface Note {
  text: string;
  at: number;
}

function reply(ngx: Ngx, status: number, body: unknown): void {
  ngx.status = status;
  ngx.header["Content-Type"] = "application/json";
  ngx.say(cjson.encode(body));
}

export default async function notes(ngx: Ngx): Promise<void> {
  const id = String(ngx.var.note_id);
  const key = `example25:note:${id}`;
  const red = new Redis();
  red.set_timeout(1000);
  // Cosockets suspend in Lua: here they are Promises of [result, err].
  const [ok, err] = await red.connect("127.0.0.1", 6379);
  if (!ok) return reply(ngx, 500, { error: `redis: ${err}` });

  if (ngx.req.get_method() === "PUT") {
    await ngx.req.read_body();
    // cjson.safe.decode returns [value, err] where cjson.decode would throw.
    const [body, decodeErr] = cjson.safe.decode(ngx.req.get_body_data() ?? "");
    if (body === null || typeof body !== "object" || Array.isArray(body) || typeof body.text !== "string") {
      return reply(ngx, 400, { error: decodeErr ?? "a JSON object with a text field is expected" });
    }
    const note: Note = { text: body.text, at: ngx.time() };
    const [, setErr] = await red.set(key, cjson.encode(note));
    if (setErr !== null) return reply(ngx, 500, { error: setErr });
    red.set_keepalive(10000, 100);
    return reply(ngx, 201, { id, ...note });
  }

  const [stored, getErr] = await red.get(key);
  red.set_keepalive(10000, 100);
  if (getErr !== null) return reply(ngx, 500, { error: getErr });
  // A missing key is Redis nil: ngx.null in Lua, null here.
  if (stored === null) return reply(ngx, 404, { error: "no such note" });
  const note = cjson.decode(String(stored)) as unknown as Note;
  reply(ngx, 200, { id, text: note.text, at: note.at });
}
