// What ngx.re refuses where PCRE would match (docs/ngx-api.md): recursion and subroutine
// calls, and conditions on a group that the alternation rewriting cannot give exactly (a
// group not made optional by a greedy `?` in the same sequence, a condition in a group that
// is repeated, a quantified condition). The reference accepts these, so they are checked
// here rather than compared; the accepted forms are compared in re-pcre.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compilePcre, PcreError } from "../../src/ngx/pcre.js";

const refused = (pattern: string, message: RegExp): void => {
  assert.throws(() => compilePcre(pattern, ""), (e: unknown) => e instanceof PcreError && message.test(e.message), pattern);
};

test("recursion and subroutine calls are refused with tsresty's own error", () => {
  for (const p of ["(?R)", "a(?1)(b)", "(a)(?-1)", "(?+1)(a)", "(?<n>a)(?&n)", "(?P<n>a)(?P>n)", "\\g<1>(a)", "(a)\\g'1'"]) refused(p, /recursion and subroutine calls are not supported by tsresty/);
});

test("conditions on a group that alternation cannot rewrite exactly are refused", () => {
  for (const p of ["(a)|b(?(1)x|y)", "(?:(a)|b)(?(1)A|B)", "(a)?(?(1)b|c)+", "(?:x(a)?y(?(1)1|2))+", "(a)??b(?(1)c|d)", "(a)?+b(?(1)c|d)", "(a)?b\\1(?(1)c|d)", "(a)?b(?(1)c|\\1)", "(a)?(b)?(?(1)A|N)"]) {
    refused(p, /conditions on a group's match are not supported by tsresty/);
  }
});

test("a condition on an optional group becomes an alternation with the same captures", () => {
  const c = compilePcre("(a)?b(?(1)c|d)", "");
  assert.equal(c.groups, 1);
  const re = new RegExp(c.re.source, c.re.flags.replace("g", ""));
  assert.deepEqual("abc bd abd bc".split(" ").map((s) => re.exec(s)?.[0] ?? null), ["abc", "bd", "bd", null]);
});
