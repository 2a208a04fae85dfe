// The kubelet host variant of the test bed (`tb up N --image kubelet`): does a real kubelet in
// standalone mode run static pods there? A pause pod, then etcd on the host network, answering
// from the runner over the bridge, with the kubelet's startup, readiness and liveness probes
// passing; and removing a manifest stops its pod. This is what the static-pod layout relies on.
// Run as root: TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/e2e/kubeletHost.test.ts
// The first run builds the kubelet from Go modules (about half an hour on two busy cores).
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type * as k8s from "@pulumi/kubernetes";
import { Inventory, InventoryHost, downBed, readInventory, registerBedTeardown, runTb, sshHost } from "../support/testbed";
import { eventually } from "../support/e2e";

// Not the default bed: that one is the `dev` stack's.
const BED = process.env.TB_KUBELET_BED ?? "kubelet";
const skip = process.getuid?.() === 0 ? false : "needs root (network namespaces, mounts, cgroups)";
const ROOT = path.resolve(__dirname, "../..");
const MANIFESTS = "/etc/kubernetes/manifests";

/** The names toolchain/images/build.sh gives the images (images.env), etcd's for the newest etcd. */
function imageNames(): { pause: string; etcd: string } {
  const script = `. toolchain/images/images.env; . toolchain/pins.env
    echo "$PAUSE_IMAGE"; echo "$ETCD_IMAGE_REPO:\${ETCD_VERSIONS%% *}"`;
  const [pause, etcd] = execFileSync("bash", ["-c", script], { cwd: ROOT, encoding: "utf8" }).trim().split("\n");
  return { pause, etcd };
}

/** The Kubernetes release toolchain/kubelet/go.mod pins. */
const KUBERNETES = /^\s*k8s\.io\/kubernetes (v\S+)/m.exec(fs.readFileSync(path.join(ROOT, "toolchain/kubelet/go.mod"), "utf8"))?.[1];

/** The toolchain's etcdctl 3.6 on the runner (toolchain/env.sh exports its directory). */
const ETCDCTL = path.join(
  process.env.ETCDHOSTS_ETCD_DIR_3_6 ??
    execFileSync("bash", ["-c", `. toolchain/lib.sh; echo "$(component_path etcd-3.6)/bin"`], { cwd: ROOT, encoding: "utf8" }).trim(),
  "etcdctl",
);

async function ok(host: InventoryHost, command: string, stdin?: string): Promise<string> {
  const r = await sshHost(host, command, { bed: BED, stdin });
  assert.equal(r.code, 0, `${host.name}: ${command}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Writes a static pod manifest the way a provisioner must: into a dot file in the same directory
 * (the kubelet ignores dot files), then renamed, so the kubelet never reads half a file.
 */
async function putManifest(host: InventoryHost, name: string, pod: k8s.types.input.core.v1.Pod): Promise<void> {
  await ok(host, `cat > ${MANIFESTS}/.${name}.yaml.tmp && mv ${MANIFESTS}/.${name}.yaml.tmp ${MANIFESTS}/${name}.yaml`, stringify(pod));
}

interface PodStatus {
  metadata: { name: string; uid: string };
  status?: {
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; ready: boolean; started?: boolean; restartCount: number; state: Record<string, unknown> }[];
  };
}

/** The pods the kubelet runs, with the status it computed (its API on the host's loopback). */
async function kubeletPods(host: InventoryHost): Promise<PodStatus[]> {
  const out = await ok(host, "curl -sfk https://127.0.0.1:10250/pods");
  return (JSON.parse(out) as { items: PodStatus[] }).items;
}

function isReady(p: PodStatus | undefined): boolean {
  return p?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** prober_probe_total from the kubelet's /metrics/probes, by probe type and result. */
async function probeCounts(host: InventoryHost, pod: string): Promise<Record<string, number>> {
  const out = await ok(host, "curl -sfk https://127.0.0.1:10250/metrics/probes");
  const counts: Record<string, number> = {};
  for (const line of out.split("\n")) {
    const m = /^prober_probe_total\{(.*)\} (\d+)$/.exec(line);
    if (!m || !m[1].includes(`pod="${pod}"`)) continue;
    const type = /probe_type="(\w+)"/.exec(m[1])?.[1];
    const result = /result="(\w+)"/.exec(m[1])?.[1];
    counts[`${type}/${result}`] = Number(m[2]);
  }
  return counts;
}

/** `crictl ps` names of running containers. */
async function runningContainers(host: InventoryHost): Promise<string[]> {
  const out = await ok(host, "crictl ps --state running -o json");
  return (JSON.parse(out) as { containers: { metadata: { name: string } }[] }).containers.map((c) => c.metadata.name);
}

function etcdHealth(endpoint: string): { healthy: boolean; output: string } {
  try {
    const out = execFileSync(ETCDCTL, ["--endpoints", endpoint, "--command-timeout=3s", "endpoint", "health"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { healthy: out.includes("is healthy"), output: out };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { healthy: false, output: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

/** A pod with one container that does nothing: our pause image, on the host network. */
function sleeperPod(image: string): k8s.types.input.core.v1.Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "sleeper", namespace: "default" },
    spec: {
      hostNetwork: true,
      // No command: the image's entrypoint (/pause) runs.
      containers: [{ name: "sleeper", image, imagePullPolicy: "IfNotPresent" }],
    },
  };
}

/** One etcd member over plain HTTP, shaped like kubeadm's etcd.yaml (probes, volumes, priority). */
function etcdPod(image: string, host: InventoryHost): k8s.types.input.core.v1.Pod {
  const a = host.address;
  const probe = (p: string) => ({ httpGet: { host: "127.0.0.1", path: p, port: "probe-port", scheme: "HTTP" }, timeoutSeconds: 15 });
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "etcd", namespace: "kube-system", labels: { component: "etcd", tier: "control-plane" } },
    spec: {
      hostNetwork: true,
      priorityClassName: "system-node-critical",
      priority: 2000001000,
      securityContext: { seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "etcd",
          image,
          imagePullPolicy: "IfNotPresent",
          command: [
            "etcd",
            `--name=${host.name}`,
            "--data-dir=/var/lib/etcd",
            `--listen-client-urls=http://${a}:2379,http://127.0.0.1:2379`,
            `--advertise-client-urls=http://${a}:2379`,
            `--listen-peer-urls=http://${a}:2380`,
            `--initial-advertise-peer-urls=http://${a}:2380`,
            `--initial-cluster=${host.name}=http://${a}:2380`,
            "--listen-metrics-urls=http://127.0.0.1:2381",
          ],
          resources: { requests: { cpu: "100m", memory: "100Mi" } },
          ports: [{ name: "probe-port", containerPort: 2381, protocol: "TCP" }],
          livenessProbe: { ...probe("/livez"), initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 8 },
          readinessProbe: { ...probe("/readyz"), periodSeconds: 1, failureThreshold: 3 },
          startupProbe: { ...probe("/readyz"), initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 24 },
          volumeMounts: [
            { name: "etcd-data", mountPath: "/var/lib/etcd" },
            { name: "etcd-certs", mountPath: "/etc/kubernetes/pki/etcd" },
          ],
        },
      ],
      volumes: [
        { name: "etcd-data", hostPath: { path: "/var/lib/etcd", type: "DirectoryOrCreate" } },
        { name: "etcd-certs", hostPath: { path: "/etc/kubernetes/pki/etcd", type: "DirectoryOrCreate" } },
      ],
    },
  };
}

describe("kubelet host variant", { skip }, () => {
  let inv: Inventory;
  let h1: InventoryHost;
  let unregister: () => void = () => undefined;
  const images = imageNames();

  before(async () => {
    unregister = registerBedTeardown(BED);
    // A cold run builds the kubelet (toolchain) and the image first.
    const r = await runTb(["up", "1", "--bed", BED, "--image", "kubelet"], { timeoutMs: 90 * 60_000 });
    assert.equal(r.code, 0, `tb up failed:\n${r.stderr}`);
    inv = readInventory(r.stdout.trim().split("\n").pop() ?? "");
    h1 = inv.hosts[0];
  });

  after(async () => {
    await downBed(BED);
    unregister();
  });

  it("boots with containerd and a standalone kubelet, and the images imported", { timeout: 120_000 }, async () => {
    assert.equal(inv.image, "kubelet");
    // The kubelet may still be starting right after boot.
    await eventually("kubelet /healthz", async () => ((await sshHost(h1, "curl -sf http://127.0.0.1:10248/healthz", { bed: BED })).stdout === "ok" ? true : undefined), 60_000);
    assert.equal(await ok(h1, "systemctl is-active containerd kubelet kubelet-host-prep"), "active\nactive\nactive");
    assert.equal(await ok(h1, "kubelet --version"), `Kubernetes ${KUBERNETES}`);
    // Standalone: no kubeconfig, so no API server to talk to.
    assert.match(await ok(h1, "journalctl -b -u kubelet --no-pager"), /Kubelet is running in standalone mode/);
    const tags = JSON.parse(await ok(h1, "crictl images -o json")).images.flatMap((i: { repoTags: string[] }) => i.repoTags);
    assert.ok(tags.includes(images.pause), `${images.pause} not in ${tags.join(", ")}`);
    assert.ok(tags.includes(images.etcd), `${images.etcd} not in ${tags.join(", ")}`);
  });

  it("runs a static pod of the pause image", { timeout: 120_000 }, async (t) => {
    const t0 = Date.now();
    await putManifest(h1, "sleeper", sleeperPod(images.pause));
    const pod = await eventually("sleeper-h1 Ready", async () => (await kubeletPods(h1)).find((p) => p.metadata.name === "sleeper-h1" && isReady(p)), 60_000);
    t.diagnostic(`sleeper pod Ready ${(Date.now() - t0) / 1000} s after its manifest was written`);
    assert.equal(pod.status?.containerStatuses?.[0].name, "sleeper");
    assert.ok("running" in (pod.status?.containerStatuses?.[0].state ?? {}));
    assert.ok((await runningContainers(h1)).includes("sleeper"));
  });

  it("runs etcd as a static pod on the host network, answering the runner, probes passing", { timeout: 240_000 }, async (t) => {
    const endpoint = `http://${h1.address}:2379`;
    assert.equal(etcdHealth(endpoint).healthy, false, "something already answers on the etcd port");
    const t0 = Date.now();
    await putManifest(h1, "etcd", etcdPod(images.etcd, h1));

    await eventually("etcd healthy from the runner", async () => (etcdHealth(endpoint).healthy ? true : undefined), 120_000);
    t.diagnostic(`etcd healthy from the runner ${(Date.now() - t0) / 1000} s after its manifest was written`);
    execFileSync(ETCDCTL, ["--endpoints", endpoint, "put", "kubelet-e2e", "static-pod"]);
    const got = execFileSync(ETCDCTL, ["--endpoints", endpoint, "get", "kubelet-e2e", "--print-value-only"], { encoding: "utf8" });
    assert.equal(got.trim(), "static-pod");

    // The startup probe holds readiness back for its initialDelaySeconds (10 s) and period (10 s).
    const pod = await eventually("etcd-h1 Ready (startup and readiness probes passed)", async () => (await kubeletPods(h1)).find((p) => p.metadata.name === "etcd-h1" && isReady(p)), 120_000);
    t.diagnostic(`etcd pod Ready ${(Date.now() - t0) / 1000} s after its manifest was written`);
    const c = pod.status?.containerStatuses?.[0];
    assert.equal(c?.ready, true);
    assert.equal(c?.started, true);
    assert.equal(c?.restartCount, 0);

    // Liveness first runs 10 s after the start, then every 10 s.
    const counts = await eventually(
      "a successful liveness probe",
      async () => {
        const n = await probeCounts(h1, "etcd-h1");
        return (n["Liveness/successful"] ?? 0) > 0 ? n : undefined;
      },
      60_000,
    );
    assert.ok(counts["Startup/successful"] >= 1, JSON.stringify(counts));
    assert.ok(counts["Readiness/successful"] >= 1, JSON.stringify(counts));
    assert.equal(counts["Liveness/failed"] ?? 0, 0, JSON.stringify(counts));

    // The data dir is the host's (hostPath), where a provisioner and a backup would look for it.
    await ok(h1, "test -d /var/lib/etcd/member/wal");
    await ok(h1, `test -d /var/lib/kubelet/pods/${pod.metadata.uid}/containers/etcd`);
  });

  it("stops the pod when its manifest is removed", { timeout: 120_000 }, async (t) => {
    const t0 = Date.now();
    await ok(h1, `rm ${MANIFESTS}/etcd.yaml`);
    await eventually("no etcd container running", async () => (!(await runningContainers(h1)).includes("etcd") ? true : undefined), 60_000);
    t.diagnostic(`etcd container gone ${(Date.now() - t0) / 1000} s after its manifest was removed`);
    assert.equal(etcdHealth(`http://${h1.address}:2379`).healthy, false);
    await eventually("etcd-h1 gone from the kubelet's pods", async () => (!(await kubeletPods(h1)).some((p) => p.metadata.name === "etcd-h1") ? true : undefined), 60_000);
    // The other static pod is untouched.
    assert.ok((await runningContainers(h1)).includes("sleeper"));
  });
});
