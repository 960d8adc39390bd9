// Synthetic monorepo for the scan benchmark: 1,000 service folders, each with a
// multi-stage Dockerfile, and 10,000 manifest files of two documents each (a
// Deployment with a full container spec and a Service). Deterministic.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export const SERVICES = 1000;
export const MANIFESTS = 10000;

export function dockerfile(i) {
  return `# syntax=docker/dockerfile:1
ARG GO_VERSION=1.22
FROM golang:\${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/svc-${i} ./cmd/svc

FROM gcr.io/distroless/static-debian12 AS runtime
COPY --from=build /out/svc-${i} /svc
${i % 3 === 0 ? "" : "USER 65532:65532\n"}EXPOSE ${i % 7 === 0 ? 80 : 8080}
ENTRYPOINT ["/svc"]
`;
}

export function manifest(i) {
  const svc = `svc-${i % SERVICES}`;
  const hardened = i % 2 === 0;
  return `# ${svc} replica set ${i}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${svc}-${i}
  namespace: team-${i % 25}
  labels:
    app.kubernetes.io/name: ${svc}
    app.kubernetes.io/part-of: bench
  annotations:
    owner: "team-${i % 25}@example.com"
spec:
  replicas: ${1 + (i % 3)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${svc}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${svc}
    spec:
      serviceAccountName: ${svc}
${hardened ? `      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile:
          type: RuntimeDefault
` : ""}      containers:
        - name: app
          image: ghcr.io/acme/${svc}:${i % 5 === 0 ? "latest" : `1.${i % 10}.${i % 7}`}
          imagePullPolicy: IfNotPresent
          args: ["--listen=:8080", "--log-format=json"]
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
          env:
            - name: LOG_LEVEL
              value: info
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef: { name: ${svc}-db, key: url }
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { memory: ${i % 11 === 0 ? "64Mi" : "256Mi"} }
          readinessProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 10
          livenessProbe:
            httpGet: { path: /livez, port: http }
${hardened ? `          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
` : `          securityContext:
            privileged: ${i % 13 === 0}
`}          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
---
apiVersion: v1
kind: Service
metadata:
  name: ${svc}-${i}
  namespace: team-${i % 25}
spec:
  selector:
    app.kubernetes.io/name: ${svc}
  ports:
    - name: http
      port: 80
      targetPort: http
`;
}

/** The corpus under `root`; `manifests` files (bench/scan/memory.js makes 5,000 and 50,000 with the same 1,000 services). */
export function generate(root, manifests = MANIFESTS) {
  rmSync(root, { recursive: true, force: true });
  for (let s = 0; s < SERVICES; s++) {
    const dir = path.join(root, "services", `svc-${s}`);
    mkdirSync(path.join(dir, "k8s"), { recursive: true });
    writeFileSync(path.join(dir, "Dockerfile"), dockerfile(s));
  }
  for (let m = 0; m < manifests; m++) {
    writeFileSync(path.join(root, "services", `svc-${m % SERVICES}`, "k8s", `deploy-${m}.yaml`), manifest(m));
  }
}
