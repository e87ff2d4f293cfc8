/* tsresty's listening sockets for worker threads: Node 20 has no reusePort, and a libuv
 * handle closes its fd for the whole process. The master makes one SO_REUSEPORT socket per
 * worker slot and hands each worker a dup() of it, so a worker's exit or a reload never
 * closes a socket (nor drops the connections waiting in its queue). */
#include <node_api.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <string.h>

static int32_t int_arg(napi_env env, napi_value v) {
  int32_t n = 0;
  napi_get_value_int32(env, v, &n);
  return n;
}

static napi_value num(napi_env env, int32_t n) {
  napi_value r;
  napi_create_int32(env, n, &r);
  return r;
}

/* listen(host, port, backlog): an IPv4/IPv6 listening socket, or -errno. A host "unix:PATH"
 * is a unix socket (no SO_REUSEPORT there: the slots share it). */
static napi_value do_listen(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char host[256];
  size_t len = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_get_value_string_utf8(env, argv[0], host, sizeof host, &len);
  int port = int_arg(env, argv[1]), backlog = int_arg(env, argv[2]), one = 1, fd;
  struct sockaddr_storage ss;
  socklen_t sl;
  memset(&ss, 0, sizeof ss);
  if (strncmp(host, "unix:", 5) == 0) {
    struct sockaddr_un *u = (struct sockaddr_un *)&ss;
    u->sun_family = AF_UNIX;
    size_t n = strlen(host + 5);
    if (n >= sizeof u->sun_path) return num(env, -ENAMETOOLONG);
    memcpy(u->sun_path, host + 5, n);
    sl = sizeof *u;
  } else if (strchr(host, ':') != NULL) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) return num(env, -EINVAL);
    sl = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1) return num(env, -EINVAL);
    sl = sizeof *a;
  }
  fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return num(env, -errno);
  if (ss.ss_family != AF_UNIX) {
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    /* as nginx: a [::] listen is IPv6 only unless ipv6only=off */
    if (ss.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, backlog) != 0) {
    int e = errno;
    close(fd);
    return num(env, -e);
  }
  return num(env, fd);
}

/* port(fd): the bound port (a listen on port 0 picks one). */
static napi_value do_port(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (getsockname(int_arg(env, argv[0]), (struct sockaddr *)&ss, &sl) != 0) return num(env, -errno);
  if (ss.ss_family == AF_INET) return num(env, ntohs(((struct sockaddr_in *)&ss)->sin_port));
  if (ss.ss_family == AF_INET6) return num(env, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
  return num(env, 0);
}

/* dup(fd): another descriptor of the same socket, for one worker's handle to own. */
static napi_value do_dup(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int fd = fcntl(int_arg(env, argv[0]), F_DUPFD_CLOEXEC, 0);
  return num(env, fd < 0 ? -errno : fd);
}

static napi_value do_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  return num(env, close(int_arg(env, argv[0])) == 0 ? 0 : -errno);
}

NAPI_MODULE_INIT() {
  static const struct { const char *name; napi_callback cb; } fns[] = {
    {"listen", do_listen}, {"port", do_port}, {"dup", do_dup}, {"close", do_close}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}
