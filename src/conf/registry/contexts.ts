// The context lists the registry tables share, named after nginx's flags: MAIN, EVENTS,
// HTTP (http block), SRV, LOC, SIF/LIF (`if` in server/location), LMT (limit_except), UPS.

import type { Context } from "./types.js";

export const ANYWHERE: readonly Context[] = ["main", "events", "http", "server", "location", "if_in_server", "if_in_location", "limit_except", "upstream", "stream", "stream_server", "stream_upstream", "mail", "mail_server"];
export const EVENTS: readonly Context[] = ["events"];
export const HTTP: readonly Context[] = ["http"];
export const HTTP_SRV: readonly Context[] = ["http", "server"];
export const HTTP_SRV_LOC: readonly Context[] = ["http", "server", "location"];
export const HTTP_SRV_LOC_LIF: readonly Context[] = ["http", "server", "location", "if_in_location"];
export const HTTP_SRV_LOC_LIF_LMT: readonly Context[] = ["http", "server", "location", "if_in_location", "limit_except"];
export const HTTP_SRV_LOC_LMT: readonly Context[] = ["http", "server", "location", "limit_except"];
export const HTTP_SRV_LOC_SIF_LIF: readonly Context[] = ["http", "server", "location", "if_in_server", "if_in_location"];
export const LOC: readonly Context[] = ["location"];
export const LOC_LIF: readonly Context[] = ["location", "if_in_location"];
export const LOC_LIF_LMT: readonly Context[] = ["location", "if_in_location", "limit_except"];
export const LOC_LMT: readonly Context[] = ["location", "limit_except"];
export const MAIL: readonly Context[] = ["mail"];
export const MAIL_MSRV: readonly Context[] = ["mail", "mail_server"];
export const MAIN: readonly Context[] = ["main"];
export const MSRV: readonly Context[] = ["mail_server"];
export const SRV: readonly Context[] = ["server"];
export const SRV_LOC: readonly Context[] = ["server", "location"];
export const SRV_LOC_SIF_LIF: readonly Context[] = ["server", "location", "if_in_server", "if_in_location"];
export const STREAM: readonly Context[] = ["stream"];
export const STREAM_SRV: readonly Context[] = ["stream_server"];
export const STREAM_STREAM_SRV: readonly Context[] = ["stream", "stream_server"];
export const STREAM_UPS: readonly Context[] = ["stream_upstream"];
export const UPS: readonly Context[] = ["upstream"];
