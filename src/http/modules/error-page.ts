// error_page: nginx's special response handler, before its default page. A matching entry
// redirects internally to a URI (method GET, unless HEAD), to a named location, or sends a
// redirect to a URL; `=code` sets the status the final response goes out with, `=` alone
// lets the target's own status through. Only once per request unless recursive_error_pages.
import type { Directive } from "../../conf/ast.js";
import type { Request } from "../request.js";
import type { HttpModule } from "../module.js";
import { requestHooks } from "../request.js";
import { DONE } from "../phases.js";
import { ConfigError, type SettingSpec } from "../config/settings.js";
import { compileComplexValue, hasVariables, type ComplexValue } from "../script.js";
import { CLOSES_CONNECTION } from "../status.js";
import { setContentType } from "../content-type.js";

interface ErrorPage {
  readonly status: number;
  /** -1: keep the error's status; 0: the target's own (`=`); else that code. */
  readonly overwrite: number;
  readonly uri: ComplexValue;
  readonly dynamic: boolean;
  /** Arguments written after `?` in a static URI. */
  readonly args: string;
}

const BAD_REQUEST_VARIANTS = new Set([494, 495, 496, 497]);

function parseErrorPage(d: Directive, prev: readonly ErrorPage[] | undefined): readonly ErrorPage[] {
  const a = d.args;
  const bad = (v: string): ConfigError => new ConfigError(`invalid value "${v}"`, d.file, d.line);
  let overwrite = -1;
  let n = 1;
  const i = a.length - 2;
  if (a[i]!.startsWith("=")) {
    if (i === 0) throw bad(a[i]!);
    if (a[i]!.length > 1) {
      if (!/^[0-9]+$/.test(a[i]!.slice(1))) throw bad(a[i]!);
      overwrite = Number(a[i]!.slice(1));
    } else overwrite = 0;
    n = 2;
  }
  let uriText = a[a.length - 1]!;
  const dynamic = hasVariables(uriText);
  let args = "";
  if (!dynamic && uriText.startsWith("/")) {
    const q = uriText.indexOf("?");
    if (q >= 0) {
      args = uriText.slice(q + 1);
      uriText = uriText.slice(0, q);
    }
  }
  const uri = compileComplexValue(uriText);
  const out = [...(prev ?? [])];
  for (let k = 0; k < a.length - n; k++) {
    const v = a[k]!;
    if (!/^[0-9]+$/.test(v) || Number(v) === 499) throw bad(v);
    const status = Number(v);
    if (status < 300 || status > 599) throw new ConfigError(`value "${v}" must be between 300 and 599`, d.file, d.line);
    const ow = overwrite === -1 && BAD_REQUEST_VARIANTS.has(status) ? 400 : overwrite;
    out.push({ status, overwrite: ow, uri, dynamic, args });
  }
  return out;
}

export const ERROR_PAGE_SETTING: SettingSpec<readonly ErrorPage[]> = {
  directive: "error_page",
  key: "error_page",
  default: [],
  parse: (d, prev) => parseErrorPage(d, prev),
};

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/** Set while the default page of an error_page redirect is sent (no second lookup then). */
let sendingRedirect = false;

function sendErrorPage(r: Request, p: ErrorPage): number {
  if (p.overwrite >= 0) r.errStatus = p.overwrite;
  let uri = p.uri(r);
  let args = p.args;
  if (uri.startsWith("/")) {
    if (p.dynamic) {
      const q = uri.indexOf("?");
      args = q >= 0 ? uri.slice(q + 1) : "";
      if (q >= 0) uri = uri.slice(0, q);
    }
    if (r.method !== "HEAD") r.method = "GET";
    r.internalRedirect(uri, args);
    return DONE;
  }
  if (uri.startsWith("@")) {
    r.namedRedirect(uri);
    return DONE;
  }
  if (r.discardBody() !== 0) r.keepalive = false;
  const status = REDIRECT_CODES.has(r.errStatus) ? r.errStatus : 302;
  r.headersOut.remove("location");
  r.location = uri;
  sendingRedirect = true;
  try {
    r.specialResponse(status);
  } finally {
    sendingRedirect = false;
  }
  return DONE;
}

/**
 * A subrequest's special response (ngx.location.capture's post-subrequest handler takes the
 * status): no error_page, no page, only the status and a Content-Type, as the reference answers.
 */
function subrequestStatus(r: Request, status: number): number {
  r.status = status;
  // The capture reads its headers from the list: a redirect's Location goes there too.
  if (r.location !== undefined) r.headersOut.set("Location", r.location);
  r.statusLine = undefined;
  setContentType(r);
  r.sendHeader();
  r.eof();
  r.complete();
  return DONE;
}

requestHooks.specialResponse.push((r, status) => {
  if (r !== r.main && !r.errorPages) return subrequestStatus(r, status);
  if (sendingRedirect) return undefined;
  const pages = r.loc.settings.error_page as readonly ErrorPage[] | undefined;
  if (r.errorPageUsed || pages === undefined || pages.length === 0 || r.uriChangesLeft === 0) return undefined;
  if (r.loc.core.recursive_error_pages !== true) r.errorPageUsed = true;
  const p = pages.find((x) => x.status === status);
  if (p === undefined) return undefined;
  if (CLOSES_CONNECTION.has(status)) r.keepalive = false;
  r.errStatus = status;
  return sendErrorPage(r, p);
});

export const errorPageModule: HttpModule = {
  name: "error_page",
  settings: [ERROR_PAGE_SETTING],
};
