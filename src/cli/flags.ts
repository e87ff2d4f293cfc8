// nginx's own command-line flags, which tsresty takes at the top level and per subcommand.
export interface NginxFlags {
  prefix?: string;
  conf?: string;
  globals?: string;
}
