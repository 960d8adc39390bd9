/**
 * Which images are the repository's own (first-party), for "unpaired container" reports.
 *
 * An image is **not** first-party when it is a Docker Official Image
 * (`docker.io/library/*`: `postgres`, `nginx`, `redis` …) or comes from a well-known
 * public publisher below (Kubernetes' registry, distroless, Microsoft, Bitnami, Grafana,
 * Prometheus, Chainguard, Red Hat, the CNCF projects' organisations …). Everything else
 * is first-party: a private registry, an organisation on Docker Hub or GHCR, a local
 * registry. An image some build config produces is first-party whatever its name (it is
 * paired, then). The list errs towards "first-party": a vendor image reported as unpaired
 * is a line to ignore, a first-party image hidden would be a gap.
 */
const PUBLIC_PREFIXES = [
  "docker.io/library/",
  "registry.k8s.io/",
  "k8s.gcr.io/",
  "gcr.io/distroless/",
  "gcr.io/google-containers/",
  "gcr.io/google_containers/",
  "gcr.io/k8s-",
  "gcr.io/kaniko-project/",
  "gcr.io/cloud-builders/",
  "mcr.microsoft.com/",
  "public.ecr.aws/docker/library/",
  "public.ecr.aws/eks/",
  "public.ecr.aws/eks-distro/",
  "public.ecr.aws/bitnami/",
  "public.ecr.aws/aws-",
  "cgr.dev/chainguard/",
  "registry.access.redhat.com/",
  "registry.redhat.io/",
  "docker.elastic.co/",
  "quay.io/prometheus/",
  "quay.io/prometheus-operator/",
  "quay.io/prometheuscommunity/",
  "quay.io/jetstack/",
  "quay.io/coreos/",
  "quay.io/brancz/",
  "quay.io/keycloak/",
  "quay.io/argoproj/",
  "quay.io/cilium/",
  "quay.io/calico/",
  "quay.io/kiwigrid/",
  "quay.io/strimzi/",
  "quay.io/minio/",
  "ghcr.io/fluxcd/",
  "ghcr.io/open-telemetry/",
  "ghcr.io/external-secrets/",
  "ghcr.io/kyverno/",
  "ghcr.io/dexidp/",
  "ghcr.io/aquasecurity/",
  "ghcr.io/cloudnative-pg/",
  "ghcr.io/grafana/",
  "ghcr.io/prometheus-community/",
];

/** Organisations on Docker Hub that publish software rather than deploy their own. */
const PUBLIC_HUB_NAMESPACES = new Set([
  "bitnami", "grafana", "prom", "hashicorp", "confluentinc", "nginxinc", "istio", "otel", "jaegertracing",
  "minio", "envoyproxy", "rancher", "curlimages", "amazon", "elastic", "fluent", "openpolicyagent", "kong",
  "traefik", "linkerd", "dpage", "apache", "clickhouse", "cockroachdb", "vault", "consul", "mongo",
  "timberio", "calico", "weaveworks", "kubernetesui", "coredns", "longhornio", "velero", "bitnamilegacy",
  "google", "cilium", "datadog", "newrelic", "sonatype", "jenkins", "gitlab", "portainer", "wurstmeister",
  "mailhog", "axllent", "busybox", "alpine", "ubuntu", "debian",
]);

export function isFirstParty(repository: string): boolean {
  return thirdPartyReason(repository) === undefined;
}

/** Why an image is someone else's (a public image the repository deploys but does not build), or undefined when it looks first-party. */
export function thirdPartyReason(repository: string): string | undefined {
  if (repository.startsWith("docker.io/library/") || repository.startsWith("public.ecr.aws/docker/library/")) return "a Docker Official Images name (docker.io/library)";
  for (const p of PUBLIC_PREFIXES) if (repository.startsWith(p)) return `published under ${p.replace(/\/$/, "")}, a public publisher`;
  if (repository.startsWith("docker.io/")) {
    const ns = repository.slice("docker.io/".length).split("/")[0]!;
    if (PUBLIC_HUB_NAMESPACES.has(ns)) return `published by '${ns}' on Docker Hub, a public publisher`;
  }
  return undefined;
}
