# The block structure of an nginx configuration: a configuration is a list of statements,
# and a statement is a directive (ended by `;`, or carrying a Lua body) or a block head
# with the statements up to its `}`. Everything below that is lexical and lives in the
# token stream (src/conf/token-stream.ts over the moo rules of src/conf/lexer-rules.ts):
# words, quotes, escapes, comments, `${var}`, the Lua body scan, and nginx's syntax errors,
# so this grammar only sees well-formed input. An earlier version read single words here;
# nearley then ran at 1.6-4.4 MB/s on the benchmark, against 5 MB/s wanted, so the tokens
# are whole directives now (docs/configuration.md). It is unambiguous and left-recursive,
# and its lists grow in place.

@preprocessor typescript

@{%
import { grammarLexer, tokenNode, blockNode, appendTo } from "./grammar-actions.js";

const lexer = grammarLexer;
%}

@lexer lexer

config     -> statements                           {% id %}

statements -> null                                 {% () => [] %}
            | statements statement                 {% appendTo %}

statement  -> %directive                           {% tokenNode %}
            | %open statements %close              {% blockNode %}
