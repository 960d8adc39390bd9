/**
 * Real software for the probe's tests and benchmark: images made from Debian bookworm's own
 * packages, the way people package them. A *group* is one root filesystem with packages
 * installed by `chroot … apt-get install`, imported as one image; an *image* is a small build
 * on top of a group (config, user, command), so the four nginx images share one import.
 */

export interface DebianGroup {
  packages: string[];
  /** Shell run in the chroot before the packages are installed. */
  preinstall?: string;
}

export const DEBIAN_GROUPS = {
  nginx: { packages: ["nginx"] },
  redis: { packages: ["redis-server"] },
  memcached: { packages: ["memcached"] },
  // Debian's postgresql-common would create a cluster at install time; the official image
  // inhibits that and runs initdb on first start, into the (empty) data volume.
  postgres: {
    packages: ["postgresql"],
    preinstall: "mkdir -p /etc/postgresql-common/createcluster.d && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/inhibit.conf",
  },
  lighttpd: { packages: ["lighttpd"] },
} satisfies Record<string, DebianGroup>;

export type DebianGroupName = keyof typeof DEBIAN_GROUPS;

export interface DebianImageRecipe {
  group: DebianGroupName;
  /** Dockerfile lines after `FROM <group image>`. */
  dockerfile: string[];
  /** Files of the build context, by name. */
  files?: Record<string, { content: string; mode?: number }>;
  /** The port it serves and how to ask it something. */
  port: number;
  protocol: "http" | "redis" | "memcached" | "postgres";
  /** What the image is, in a line. */
  about: string;
}

const NGINX_CMD = `CMD ["nginx", "-g", "daemon off;"]`;

/** nginx-unprivileged's layout on Debian's nginx: port 8080, pid and temp files in /tmp, logs to the container's output. */
const NGINX_UNPRIVILEGED_CONF = `worker_processes auto;
pid /tmp/nginx.pid;
error_log /dev/stderr notice;
events { worker_connections 768; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log /dev/stdout;
  client_body_temp_path /tmp/client_temp;
  proxy_temp_path /tmp/proxy_temp;
  fastcgi_temp_path /tmp/fastcgi_temp;
  uwsgi_temp_path /tmp/uwsgi_temp;
  scgi_temp_path /tmp/scgi_temp;
  server {
    listen 8080;
    root /var/www/html;
    index index.html index.nginx-debian.html;
  }
}
`;

/**
 * The official postgres image's entrypoint pattern, with what Debian ships: start as root,
 * make the data and socket directories postgres's, then drop to postgres (Debian has no
 * gosu; util-linux's setpriv does the same), initdb into an empty data directory, exec.
 */
const POSTGRES_ENTRYPOINT = `#!/bin/sh
set -e
if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" || :
  mkdir -p /var/run/postgresql || :
  chmod 03775 /var/run/postgresql || :
  find "$PGDATA" \\! -user postgres -exec chown postgres '{}' +
  find /var/run/postgresql \\! -user postgres -exec chown postgres '{}' +
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb --username=postgres --auth=trust --no-sync -D "$PGDATA"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
fi
exec "$@"
`;

export const DEBIAN_IMAGES = {
  nginx: {
    group: "nginx",
    dockerfile: [NGINX_CMD, "EXPOSE 80", "STOPSIGNAL SIGQUIT"],
    port: 80,
    protocol: "http",
    about: "Debian's nginx as installed: port 80, logs to files under /var/log/nginx, workers as www-data",
  },
  "nginx-stdout": {
    group: "nginx",
    dockerfile: [
      "RUN ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log",
      NGINX_CMD,
      "EXPOSE 80",
      "STOPSIGNAL SIGQUIT",
    ],
    port: 80,
    protocol: "http",
    about: "the official image's trick: the log files are links to the container's output",
  },
  "nginx-log-volume": {
    group: "nginx",
    dockerfile: ["VOLUME /var/log/nginx", NGINX_CMD, "EXPOSE 80", "STOPSIGNAL SIGQUIT"],
    port: 80,
    protocol: "http",
    about: "logs in a VOLUME: worker errors land in a file inside it, not on the output",
  },
  "nginx-unprivileged": {
    group: "nginx",
    files: { "nginx.conf": { content: NGINX_UNPRIVILEGED_CONF } },
    dockerfile: ["COPY nginx.conf /etc/nginx/nginx.conf", NGINX_CMD, "USER 33:33", "EXPOSE 8080", "STOPSIGNAL SIGQUIT"],
    port: 8080,
    protocol: "http",
    about: "nginx-unprivileged on Debian: uid 33, port 8080, temp files in /tmp",
  },
  redis: {
    group: "redis",
    dockerfile: [
      "RUN mkdir /data && chown redis:redis /data",
      "VOLUME /data",
      "WORKDIR /data",
      "USER redis",
      `CMD ["redis-server", "--appendonly", "yes", "--protected-mode", "no"]`,
      "EXPOSE 6379",
    ],
    port: 6379,
    protocol: "redis",
    about: "redis as its own user, data (an append-only file) in VOLUME /data",
  },
  memcached: {
    group: "memcached",
    dockerfile: [`CMD ["memcached", "-u", "memcache"]`, "EXPOSE 11211"],
    port: 11211,
    protocol: "memcached",
    about: "memcached started as root, switching to memcache itself (-u)",
  },
  postgres: {
    group: "postgres",
    files: { "docker-entrypoint.sh": { content: POSTGRES_ENTRYPOINT, mode: 0o755 } },
    dockerfile: [
      "ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data",
      `RUN mkdir -p "$PGDATA" && chown -R postgres:postgres /var/lib/postgresql && chmod 1777 "$PGDATA" && mkdir -p /var/run/postgresql && chown -R postgres:postgres /var/run/postgresql && chmod 3777 /var/run/postgresql`,
      "COPY docker-entrypoint.sh /usr/local/bin/",
      "VOLUME /var/lib/postgresql/data",
      `ENTRYPOINT ["docker-entrypoint.sh"]`,
      `CMD ["postgres"]`,
      "EXPOSE 5432",
      "STOPSIGNAL SIGINT",
    ],
    port: 5432,
    protocol: "postgres",
    about: "postgres with the official root entrypoint: chown the data directory, setpriv to postgres, initdb",
  },
  lighttpd: {
    group: "lighttpd",
    dockerfile: [`CMD ["lighttpd", "-D", "-f", "/etc/lighttpd/lighttpd.conf"]`, "EXPOSE 80"],
    port: 80,
    protocol: "http",
    about: "Debian's lighttpd as installed: port 80, logs under /var/log/lighttpd, drops to www-data",
  },
} satisfies Record<string, DebianImageRecipe>;

export type DebianImageName = keyof typeof DEBIAN_IMAGES;
