/**
 * The known-images list (README.md beside this file): one JSON file per image in data/,
 * imported here so the bundle carries them and the compiler checks their shape.
 */
import alertmanager from "./data/alertmanager.json" with { type: "json" };
import alpine from "./data/alpine.json" with { type: "json" };
import bitnami from "./data/bitnami.json" with { type: "json" };
import busybox from "./data/busybox.json" with { type: "json" };
import chainguardStatic from "./data/chainguard-static.json" with { type: "json" };
import debian from "./data/debian.json" with { type: "json" };
import distroless from "./data/distroless.json" with { type: "json" };
import eclipseTemurin from "./data/eclipse-temurin.json" with { type: "json" };
import elasticsearch from "./data/elasticsearch.json" with { type: "json" };
import golang from "./data/golang.json" with { type: "json" };
import grafana from "./data/grafana.json" with { type: "json" };
import httpd from "./data/httpd.json" with { type: "json" };
import mariadb from "./data/mariadb.json" with { type: "json" };
import memcached from "./data/memcached.json" with { type: "json" };
import mongo from "./data/mongo.json" with { type: "json" };
import mysql from "./data/mysql.json" with { type: "json" };
import nginxUnprivileged from "./data/nginx-unprivileged.json" with { type: "json" };
import nginx from "./data/nginx.json" with { type: "json" };
import node from "./data/node.json" with { type: "json" };
import openjdk from "./data/openjdk.json" with { type: "json" };
import opensearch from "./data/opensearch.json" with { type: "json" };
import postgres from "./data/postgres.json" with { type: "json" };
import prometheus from "./data/prometheus.json" with { type: "json" };
import python from "./data/python.json" with { type: "json" };
import rabbitmq from "./data/rabbitmq.json" with { type: "json" };
import redis from "./data/redis.json" with { type: "json" };
import ubuntu from "./data/ubuntu.json" with { type: "json" };
import valkey from "./data/valkey.json" with { type: "json" };
import wolfiBase from "./data/wolfi-base.json" with { type: "json" };

/** Where a fact was read: the image's own Dockerfile, entrypoint or documentation. */
export interface KnownImageSource {
  url: string;
  /** the commit or page version it was read at */
  read: string;
  /** what it says, in a line */
  what: string;
}

export interface KnownImageVariant {
  /** tag globs (`*`, `?`, `[0-9]`); the first variant with a match applies */
  tags: string[];
  /** the user the image config names (`config` as written: "" is root) and its ids */
  user: { config: string; uid: number; gid?: number };
  /** whom a root entrypoint steps down to */
  runsAs?: { uid?: number; gid?: number; name: string };
  ports?: number[];
  /** paths the image writes as shipped; absent: not known */
  writes?: Array<{ path: string; why: string }>;
  /** capabilities a root entrypoint needs as shipped */
  rootCapabilities?: string[];
  capabilitiesWhy?: string;
  /** nothing it runs is setuid or has file capabilities: no_new_privs cannot stop it */
  noNewPrivileges?: boolean;
  /** the documented way to run it as non-root */
  nonRoot?: {
    uid: number;
    gid: number;
    fsGroup?: number;
    how: string;
    /**
     * a directory the process must own (it chmods it), named by an environment variable: as a
     * non-root uid it cannot be a mount point, whose root belongs to root (postgres's PGDATA)
     */
    ownsDirectory?: { env: string; default: string; subdirectory: string };
  };
  nonRootVariant?: string;
  role: "service" | "base";
  /** named accounts the image's /etc/passwd holds: a Dockerfile built FROM it may `USER` one by name */
  users?: Array<{ name: string; uid: number; gid: number; /** its primary group's name */ group: string }>;
  sources: KnownImageSource[];
}

export interface KnownImageEntry {
  schema: number;
  image: string;
  /** normalised repositories (docker.io/library/postgres); a trailing `/*` covers a path prefix */
  repositories: string[];
  notes?: string;
  variants: KnownImageVariant[];
}

const entries = [
  alertmanager, alpine, bitnami, busybox, chainguardStatic, debian, distroless, eclipseTemurin, elasticsearch, golang, grafana, httpd, mariadb, memcached, mongo,
  mysql, nginxUnprivileged, nginx, node, openjdk, opensearch, postgres, prometheus, python, rabbitmq, redis, ubuntu, valkey, wolfiBase,
] as KnownImageEntry[];

export const KNOWN_IMAGES: readonly KnownImageEntry[] = entries;
