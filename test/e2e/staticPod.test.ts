// The static-pod layout for real: `pulumi up` of Pulumi.static-pod.yaml's configuration on three
// hosts of the kubelet test-bed variant (standalone kubelet, containerd), a roll of the etcd
// timings through the kubelet one member at a time while a writer keeps writing, and a destroy
// that leaves the hosts clean.
// Run as root: cd /work/main && source toolchain/env.sh &&
//   TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/e2e/staticPod.test.ts
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { bedKnownHosts, eventually as poll } from "../support/e2e";
import { toolchainEtcdctl } from "../support/etcdClient";
import { REPO_ROOT, SandboxStack, StackConfig, sandboxStack, up } from "../support/sandboxStack";
import { Inventory, InventoryHost, downBed, readInventory, registerBedTeardown, runTb, sshHost } from "../support/testbed";

// Not the default bed (the `dev` stack's) and not another test's.
const BED = process.env.TB_STATIC_POD_BED ?? "e2espod";
const STACK = "e2e-static-pod";
const skip = process.getuid?.() === 0 ? false : "needs root (network namespaces, mounts, cgroups)";

const MANIFEST = "/etc/kubernetes/manifests/etcd.yaml";
const STAGED = "/etc/kubernetes/etcdhosts/etcd.yaml";
const PKI = "/etc/kubernetes/pki/etcd";
const DATA = "/var/lib/etcd";
const PKI_FILES = [
    "ca.crt",
    "server.crt",
    "server.key",
    "peer.crt",
    "peer.key",
    "admin-client.crt",
    "admin-client.key",
    "healthcheck-client.crt",
    "healthcheck-client.key",
];

/** The image repo toolchain/images names (images.env) and the etcd version of the configuration. */
const ETCD_IMAGE_REPO = execFileSync("bash", ["-c", '. toolchain/images/images.env; echo "$ETCD_IMAGE_REPO"'], { cwd: REPO_ROOT, encoding: "utf8" }).trim();

/** The toolchain's etcdctl 3.6 on the runner. */
const ETCDCTL = toolchainEtcdctl();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Polls every 500 ms (kubelet and probe state changes slowly). */
const eventually = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => poll(what, check, timeoutMs, 500);

async function ok(host: InventoryHost, command: string): Promise<string> {
    const r = await sshHost(host, command, { bed: BED });
    assert.equal(r.code, 0, `${host.name}: ${command}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r.stdout.trim();
}

async function eachHost<T>(inv: Inventory, f: (h: InventoryHost) => Promise<T>): Promise<T[]> {
    return Promise.all(inv.hosts.map(f));
}

/** The configuration of Pulumi.static-pod.yaml, pointed at the bed's hosts and images. */
function stackConfig(inv: Inventory, timing: { heartbeatIntervalMs: number; electionTimeoutMs: number }): StackConfig {
    const file = parseYaml(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.static-pod.yaml"), "utf8")) as { config: Record<string, unknown> };
    const config: StackConfig = Object.fromEntries(Object.entries(file.config).map(([k, v]) => [k.replace(/^etcdhosts:/, ""), v]));
    const nodes = config.nodes as { name: string; address: string }[];
    assert.equal(config.layout, "static-pod");
    assert.equal(nodes.length, inv.hosts.length);
    return {
        ...config,
        // Same members (names, hostnames), the bed's addresses.
        nodes: nodes.map((n, i) => ({ ...n, address: inv.hosts[i].address })),
        // The image the kubelet variant has preloaded; nothing can be pulled on the bed.
        etcdImage: `${ETCD_IMAGE_REPO}:{version}`,
        // The bed's host keys, not the example's.
        knownHosts: bedKnownHosts(inv),
        wipeDataOnDestroy: true,
        ...timing,
    };
}

// ---- the runner's view of the cluster: mutual TLS with the stack's admin certificate ----

interface AdminTls {
    dir: string;
    ca: string;
    cert: string;
    key: string;
}

function writeAdminTls(outputs: Record<string, unknown>): AdminTls {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-spod-tls-"));
    const files = { ca: path.join(dir, "ca.crt"), cert: path.join(dir, "admin.crt"), key: path.join(dir, "admin.key") };
    fs.writeFileSync(files.ca, String(outputs.caCertPem));
    fs.writeFileSync(files.cert, String(outputs.adminCertPem));
    fs.writeFileSync(files.key, String(outputs.adminKeyPem), { mode: 0o600 });
    return { dir, ...files };
}

function etcdctl(tls: AdminTls | undefined, endpoints: string[], args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const tlsArgs = tls ? ["--cacert", tls.ca, "--cert", tls.cert, "--key", tls.key] : [];
    return new Promise((resolve) => {
        execFile(
            ETCDCTL,
            ["--endpoints", endpoints.join(","), ...tlsArgs, "--dial-timeout=3s", "--command-timeout=5s", ...args],
            { encoding: "utf8", timeout: 30_000 },
            (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
    });
}

interface HealthEntry {
    endpoint: string;
    health: boolean;
    error?: string;
}

async function clusterHealth(tls: AdminTls, endpoints: string[]): Promise<{ entries: HealthEntry[]; raw: string }> {
    const r = await etcdctl(tls, endpoints.slice(0, 1), ["endpoint", "health", "--cluster", "-w", "json"]);
    try {
        return { entries: JSON.parse(r.stdout) as HealthEntry[], raw: r.stdout + r.stderr };
    } catch {
        return { entries: [], raw: r.stdout + r.stderr };
    }
}

/** One HTTPS request to etcd's JSON gateway, bounded by `timeoutMs`. */
function request(agent: https.Agent, url: string, method: "GET" | "POST", body: string | undefined, timeoutMs: number): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = https.request(url, { method, agent, timeout: timeoutMs, headers: body ? { "content-type": "application/json" } : {} }, (res) => {
            let data = "";
            res.setEncoding("utf8").on("data", (d: string) => (data += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
            res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
        req.on("error", reject);
        req.end(body);
    });
}

const b64 = (s: string) => Buffer.from(s).toString("base64");

interface WriterReport {
    attempted: number;
    succeeded: number;
    failed: { seq: number; errors: string[] }[];
    retried: number;
    maxLatencyMs: number;
    keys: string[];
}

/**
 * Writes `${prefix}${seq}` every 50 ms until stopped (or `maxMs`), each write over mutual TLS to
 * etcd's gateway with up to `attempts` tries on the members in turn, each try bounded.
 */
function startWriter(tls: AdminTls, endpoints: string[], prefix: string, maxMs: number): { stop: () => Promise<WriterReport> } {
    const agent = new https.Agent({ ca: fs.readFileSync(tls.ca), cert: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key), keepAlive: true, maxSockets: 4 });
    const attempts = 5;
    const report: WriterReport = { attempted: 0, succeeded: 0, failed: [], retried: 0, maxLatencyMs: 0, keys: [] };
    let stopped = false;
    const started = Date.now();
    const loop = (async () => {
        for (let seq = 0; !stopped && Date.now() - started < maxMs; seq++) {
            const t0 = Date.now();
            const key = `${prefix}${String(seq).padStart(6, "0")}`;
            report.attempted++;
            const errors: string[] = [];
            for (let a = 0; a < attempts; a++) {
                const ep = endpoints[(seq + a) % endpoints.length];
                try {
                    const r = await request(agent, `${ep}/v3/kv/put`, "POST", JSON.stringify({ key: b64(key), value: b64(String(t0)) }), 2000);
                    if (r.status === 200 && r.body.includes('"header"')) {
                        report.succeeded++;
                        report.keys.push(key);
                        break;
                    }
                    errors.push(`${ep}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
                } catch (e) {
                    errors.push(`${ep}: ${(e as Error).message}`);
                }
                await sleep(200);
            }
            if (errors.length > 0) report.retried++;
            if (errors.length === attempts) report.failed.push({ seq, errors });
            const took = Date.now() - t0;
            report.maxLatencyMs = Math.max(report.maxLatencyMs, took);
            await sleep(Math.max(0, 50 - took));
        }
    })();
    return {
        stop: async () => {
            stopped = true;
            await loop;
            agent.destroy();
            return report;
        },
    };
}

interface DownWindow {
    start: number;
    end: number;
}

/**
 * Watches whether each member accepts mutual-TLS connections (GET /version, a new connection each
 * time, independent of leadership) every 250 ms; returns the windows in which it did not.
 */
function startAvailabilityMonitor(tls: AdminTls, endpoints: string[]): { stop: () => Promise<Record<string, DownWindow[]>> } {
    const agent = new https.Agent({ ca: fs.readFileSync(tls.ca), cert: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key), keepAlive: false });
    const windows: Record<string, DownWindow[]> = Object.fromEntries(endpoints.map((e) => [e, []]));
    const downSince: Record<string, number | undefined> = {};
    let stopped = false;
    const loops = endpoints.map(async (ep) => {
        while (!stopped) {
            const t = Date.now();
            let up = false;
            try {
                up = (await request(agent, `${ep}/version`, "GET", undefined, 2000)).status === 200;
            } catch {
                up = false;
            }
            if (!up && downSince[ep] === undefined) downSince[ep] = t;
            if (up && downSince[ep] !== undefined) {
                windows[ep].push({ start: downSince[ep] as number, end: t });
                downSince[ep] = undefined;
            }
            await sleep(Math.max(0, 250 - (Date.now() - t)));
        }
    });
    return {
        stop: async () => {
            stopped = true;
            await Promise.all(loops);
            agent.destroy();
            for (const ep of endpoints) if (downSince[ep] !== undefined) windows[ep].push({ start: downSince[ep] as number, end: Number.POSITIVE_INFINITY });
            return windows;
        },
    };
}

// ---- the hosts' view: containerd and the kubelet ----

interface CriContainer {
    id: string;
    metadata: { name: string };
    state: string;
    createdAt: string;
    labels: Record<string, string>;
}

async function etcdContainers(host: InventoryHost, all = false): Promise<CriContainer[]> {
    const out = await ok(host, `crictl ps ${all ? "-a" : "--state running"} --name '^etcd$' -o json`);
    return (JSON.parse(out) as { containers: CriContainer[] }).containers;
}

async function runningEtcd(host: InventoryHost): Promise<CriContainer> {
    const cs = await etcdContainers(host);
    assert.equal(cs.length, 1, `${host.name}: expected one running etcd container, got ${JSON.stringify(cs)}`);
    return cs[0];
}

/** Start time of a container (ns since the epoch, as the CRI reports it), in ms. */
async function containerStartedAt(host: InventoryHost, id: string): Promise<number> {
    const info = JSON.parse(await ok(host, `crictl inspect -o json ${id}`)) as { status: { startedAt: string } };
    return Date.parse(info.status.startedAt);
}

interface PodStatus {
    metadata: { name: string; uid: string };
    status?: {
        conditions?: { type: string; status: string }[];
        containerStatuses?: { name: string; ready: boolean; started?: boolean; restartCount: number; containerID?: string; state: Record<string, unknown> }[];
    };
}

async function kubeletPods(host: InventoryHost): Promise<PodStatus[]> {
    const out = await ok(host, "curl -sfk https://127.0.0.1:10250/pods");
    return (JSON.parse(out) as { items: PodStatus[] | null }).items ?? [];
}

function isReady(p: PodStatus | undefined): boolean {
    return p?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** prober_probe_total from the kubelet's /metrics/probes for one pod, by probe type and result. */
async function probeCounts(host: InventoryHost, pod: string, uid: string): Promise<Record<string, number>> {
    const out = await ok(host, "curl -sfk https://127.0.0.1:10250/metrics/probes");
    const counts: Record<string, number> = {};
    for (const line of out.split("\n")) {
        const m = /^prober_probe_total\{(.*)\} (\d+)$/.exec(line);
        if (!m || !m[1].includes(`pod="${pod}"`) || !m[1].includes(`pod_uid="${uid}"`)) continue;
        const type = /probe_type="(\w+)"/.exec(m[1])?.[1];
        const result = /result="(\w+)"/.exec(m[1])?.[1];
        counts[`${type}/${result}`] = Number(m[2]);
    }
    return counts;
}

/** Waits until the kubelet reports the host's etcd pod Ready with every probe passing, liveness included. */
async function waitPodHealthy(host: InventoryHost, timeoutMs: number): Promise<{ pod: PodStatus; counts: Record<string, number> }> {
    const name = `etcd-${host.name}`;
    const pod = await eventually(`${name} Ready on the kubelet`, async () => (await kubeletPods(host)).find((p) => p.metadata.name === name && isReady(p)), timeoutMs);
    const counts = await eventually(
        `a successful liveness probe of ${name}`,
        async () => {
            const n = await probeCounts(host, name, pod.metadata.uid);
            return (n["Liveness/successful"] ?? 0) > 0 ? n : undefined;
        },
        timeoutMs,
    );
    return { pod, counts };
}

/** The etcd command line the running container was started with (from the host's /proc). */
async function etcdCmdline(host: InventoryHost): Promise<string[]> {
    const out = await ok(host, "pid=$(pgrep -x etcd); [ $(echo \"$pid\" | wc -w) = 1 ] && tr '\\0' '\\n' < /proc/$pid/cmdline");
    return out.split("\n");
}

describe("static-pod layout on kubelet hosts", { skip }, () => {
    let inv: Inventory;
    let s: SandboxStack | undefined;
    let tls: AdminTls | undefined;
    let endpoints: string[] = [];
    let destroyed = false;
    let unregister: () => void = () => undefined;

    before(async () => {
        unregister = registerBedTeardown(BED);
        const t0 = Date.now();
        // A cold run builds the kubelet (toolchain) and the image first.
        const r = await runTb(["up", "3", "--bed", BED, "--image", "kubelet"], { timeoutMs: 90 * 60_000 });
        assert.equal(r.code, 0, `tb up failed:\n${r.stderr}`);
        inv = readInventory(r.stdout.trim().split("\n").pop() ?? "");
        assert.equal(inv.image, "kubelet");
        await eachHost(inv, (h) =>
            eventually(`${h.name}: kubelet /healthz`, async () => ((await sshHost(h, "curl -sf http://127.0.0.1:10248/healthz", { bed: BED })).stdout === "ok" ? true : undefined), 120_000),
        );
        console.log(`# bed ${BED} up with kubelets healthy in ${secs(Date.now() - t0)}`);
        endpoints = inv.hosts.map((h) => `https://${h.address}:2379`);
        s = await sandboxStack(STACK, stackConfig(inv, { heartbeatIntervalMs: 100, electionTimeoutMs: 1000 }), { sshKeyFile: inv.sshPrivateKeyPath });
    });

    after(async () => {
        // The bed goes regardless; a stack whose hosts are gone can only be forgotten.
        try {
            await downBed(BED);
            unregister();
        } finally {
            if (s !== undefined) {
                if (!destroyed) await s.stack.workspace.removeStack(STACK, { force: true }).catch(() => undefined);
                fs.rmSync(s.workDir, { recursive: true, force: true });
            }
            if (tls !== undefined) fs.rmSync(tls.dir, { recursive: true, force: true });
        }
    });

    it("pulumi up runs three etcd static pods from the preloaded image", { timeout: 20 * 60_000 }, async (t) => {
        const stack = s as SandboxStack;
        const t0 = Date.now();
        const outputs = await up(stack);
        t.diagnostic(`pulumi up (create) took ${secs(Date.now() - t0)}`);

        assert.equal(outputs.layout, "static-pod");
        assert.deepEqual(outputs.clientEndpoints, endpoints);
        assert.deepEqual(outputs.memberNames, ["master1", "master2", "master3"]);
        const members = outputs.members as { name: string; clientURLs: string[]; peerURLs: string[] }[];
        assert.deepEqual(
            members.map((m) => [m.name, m.clientURLs, m.peerURLs]).sort(),
            inv.hosts.map((h, i) => [`master${i + 1}`, [`https://${h.address}:2379`], [`https://${h.address}:2380`]]).sort(),
        );
        assert.match(String(outputs.clusterId), /^[0-9]+$/);
        tls = writeAdminTls(outputs);

        const image = `${ETCD_IMAGE_REPO}:3.6.16`;
        await eachHost(inv, async (h) => {
            const i = inv.hosts.indexOf(h);
            const c = await runningEtcd(h);
            assert.equal(c.labels["io.kubernetes.pod.name"], `etcd-${h.name}`);
            assert.equal(c.labels["io.kubernetes.pod.namespace"], "kube-system");
            // The manifest in the kubelet's directory: root-only, with what the issue asks for.
            assert.equal(await ok(h, `stat -c '%a %U:%G' ${MANIFEST}`), "600 root:root");
            const pod = parseYaml(await ok(h, `cat ${MANIFEST}`)) as {
                spec: { hostNetwork: boolean; containers: { image: string; imagePullPolicy: string; command: string[] }[] };
            };
            const container = pod.spec.containers[0];
            assert.equal(pod.spec.hostNetwork, true);
            assert.equal(container.image, image);
            assert.equal(container.imagePullPolicy, "IfNotPresent");
            assert.ok(container.command.includes(`--name=master${i + 1}`), container.command.join(" "));
            assert.ok(container.command.includes("--heartbeat-interval=100"), container.command.join(" "));
            // The container runs what the manifest says.
            assert.deepEqual(await etcdCmdline(h), container.command);
            // kubeadm's certificate layout.
            const listing = (await ok(h, `cd ${PKI} && stat -L -c '%n %a %U' *`)).split("\n").sort();
            assert.deepEqual(listing.map((l) => l.split(" ")[0]), [...PKI_FILES].sort());
            for (const l of listing) {
                const [name, mode, owner] = l.split(" ");
                assert.equal(mode, name.endsWith(".key") ? "600" : "644", l);
                assert.equal(owner, "root", l);
            }
            assert.equal(await ok(h, `stat -c '%a' ${DATA} ${DATA}/member`), "700\n700");
        });
        // No private key in anything the CLI printed.
        assert.doesNotMatch(stack.transcript.join("\n"), /PRIVATE KEY/);
    });

    it("answers endpoint health --cluster over mutual TLS from the runner", { timeout: 120_000 }, async () => {
        const admin = tls as AdminTls;
        const health = await eventually(
            "every member healthy",
            async () => {
                const h = await clusterHealth(admin, endpoints);
                return h.entries.length === 3 && h.entries.every((e) => e.health) ? h : undefined;
            },
            60_000,
        );
        assert.deepEqual(health.entries.map((e) => e.endpoint).sort(), [...endpoints].sort());
        const list = await etcdctl(admin, endpoints, ["member", "list", "-w", "json"]);
        assert.equal(list.code, 0, list.stderr);
        assert.deepEqual(
            (JSON.parse(list.stdout) as { members: { name: string }[] }).members.map((m) => m.name).sort(),
            ["master1", "master2", "master3"],
        );
        const put = await etcdctl(admin, endpoints, ["put", "spod-e2e", "hello"]);
        assert.equal(put.code, 0, put.stderr);
        const get = await etcdctl(admin, endpoints.slice(2), ["get", "spod-e2e", "--print-value-only"]);
        assert.equal(get.stdout.trim(), "hello");
        // Mutual TLS: no client certificate, no answer.
        const noCert = await new Promise<number>((resolve) => {
            execFile(ETCDCTL, ["--endpoints", endpoints[0], "--cacert", admin.ca, "--dial-timeout=3s", "--command-timeout=5s", "endpoint", "health"], { timeout: 30_000 }, (err) =>
                resolve(err ? 1 : 0),
            );
        });
        assert.equal(noCert, 1, "etcd answered a client without a certificate");
    });

    it("the kubelet reports each pod Ready with its startup, readiness and liveness probes passing", { timeout: 5 * 60_000 }, async (t) => {
        const t0 = Date.now();
        const results = await eachHost(inv, (h) => waitPodHealthy(h, 180_000));
        t.diagnostic(`all pods Ready with a passed liveness probe ${secs(Date.now() - t0)} after up returned`);
        results.forEach(({ pod, counts }, i) => {
            const c = pod.status?.containerStatuses?.[0];
            assert.equal(c?.name, "etcd");
            assert.equal(c?.ready, true);
            assert.equal(c?.started, true);
            assert.equal(c?.restartCount, 0, `${inv.hosts[i].name}: etcd restarted`);
            assert.ok(counts["Startup/successful"] >= 1, JSON.stringify(counts));
            assert.ok(counts["Readiness/successful"] >= 1, JSON.stringify(counts));
            assert.equal(counts["Liveness/failed"] ?? 0, 0, JSON.stringify(counts));
            assert.equal(counts["Readiness/failed"] ?? 0, 0, JSON.stringify(counts));
        });
    });

    it("a second preview shows no changes", { timeout: 10 * 60_000 }, async (t) => {
        const stack = s as SandboxStack;
        const t0 = Date.now();
        const p = await stack.stack.preview({ onOutput: (o) => stack.transcript.push(o), color: "never", diff: true });
        t.diagnostic(`preview took ${secs(Date.now() - t0)}`);
        const changed = Object.entries(p.changeSummary).filter(([op, n]) => op !== "same" && op !== "read" && (n ?? 0) > 0);
        assert.deepEqual(changed, [], p.stdout);
        assert.ok((p.changeSummary.same ?? 0) > 30, JSON.stringify(p.changeSummary));
    });

    it("a timing change rolls the manifests one host at a time while the cluster stays writable", { timeout: 30 * 60_000 }, async (t) => {
        const stack = s as SandboxStack;
        const admin = tls as AdminTls;
        const before = await eachHost(inv, runningEtcd);
        const podsBefore = await eachHost(inv, async (h) => (await kubeletPods(h)).find((p) => p.metadata.name === `etcd-${h.name}`)?.metadata.uid);

        stack.setConfig(stackConfig(inv, { heartbeatIntervalMs: 150, electionTimeoutMs: 1500 }));
        const monitor = startAvailabilityMonitor(admin, endpoints);
        const writer = startWriter(admin, endpoints, "spod-roll/", 25 * 60_000);
        // Let the writer prove itself before anything changes.
        await sleep(3000);
        const ops: { op: string; urn: string; at: number }[] = [];
        const t0 = Date.now();
        let upError: unknown;
        try {
            const result = await stack.stack.up({
                onOutput: (o) => stack.transcript.push(o),
                onEvent: (e: EngineEvent) => {
                    const m = e.resOutputsEvent?.metadata;
                    if (m && m.op !== "same" && m.op !== "read") ops.push({ op: m.op, urn: m.urn, at: Date.now() });
                },
                color: "never",
            });
            stack.transcript.push(JSON.stringify(result.summary));
        } catch (e) {
            upError = e;
        }
        const upMs = Date.now() - t0;
        await sleep(3000);
        const report = await writer.stop();
        const windows = await monitor.stop();
        if (upError !== undefined) throw upError;
        t.diagnostic(`pulumi up (roll) took ${secs(upMs)}`);
        t.diagnostic(
            `writer: ${report.succeeded}/${report.attempted} writes, ${report.retried} needed a retry, slowest ${report.maxLatencyMs} ms`,
        );
        t.diagnostic(`down windows: ${JSON.stringify(Object.fromEntries(Object.entries(windows).map(([ep, ws]) => [ep, ws.map((w) => [w.start - t0, w.end - t0])])))}`);

        // Zero failed writes, and every acknowledged write is there.
        assert.deepEqual(report.failed, []);
        assert.equal(report.succeeded, report.attempted);
        assert.ok(report.attempted > 100, `only ${report.attempted} writes`);
        // (etcdctl 3.6 allows --count-only only with -w fields: count the keys instead.)
        const count = await etcdctl(admin, endpoints, ["get", "spod-roll/", "--prefix", "--keys-only", "-w", "json"]);
        assert.equal(count.code, 0, count.stderr);
        assert.equal((JSON.parse(count.stdout) as { count?: number }).count ?? 0, report.succeeded);

        // What Pulumi changed: the staged manifests and the rolls, each once per member.
        const changed = (suffix: string) => ops.filter((o) => o.urn.endsWith(suffix));
        for (const m of ["master1", "master2", "master3"]) {
            assert.deepEqual(changed(`::etcd-${m}-roll`).map((o) => o.op), ["update"], JSON.stringify(ops));
            assert.deepEqual(changed(`::etcd-${m}-start`), [], "the first start must not run again");
        }
        const rollDone = ["master1", "master2", "master3"].map((m) => changed(`::etcd-${m}-roll`)[0].at);
        assert.ok(rollDone[0] < rollDone[1] && rollDone[1] < rollDone[2], `rolls out of order: ${rollDone}`);

        // Every pod recreated by the kubelet with the new timings; the data kept.
        const afterRoll = await eachHost(inv, runningEtcd);
        const started: number[] = [];
        for (const [i, h] of inv.hosts.entries()) {
            assert.notEqual(afterRoll[i].id, before[i].id, `${h.name}: etcd container not replaced`);
            const cmd = await etcdCmdline(h);
            assert.ok(cmd.includes("--heartbeat-interval=150") && cmd.includes("--election-timeout=1500"), cmd.join(" "));
            assert.ok(cmd.includes("--initial-cluster-state=existing"), cmd.join(" "));
            assert.equal(await ok(h, `grep -c -e '--heartbeat-interval=150' -e '--election-timeout=1500' ${MANIFEST}`), "2");
            started.push(await containerStartedAt(h, afterRoll[i].id));
        }

        // One member at a time: each member was unreachable once, the windows don't overlap, in
        // inventory order, and each window contains its new container's start.
        const main = endpoints.map((ep, i) => {
            const ws = windows[ep];
            const w = ws.find((x) => x.start <= started[i] + 250 && started[i] <= x.end);
            assert.ok(w !== undefined, `${ep}: no down window around its restart at ${started[i] - t0} ms: ${JSON.stringify(ws.map((x) => [x.start - t0, x.end - t0]))}`);
            return w;
        });
        for (let i = 1; i < main.length; i++) {
            assert.ok(main[i - 1].end <= main[i].start, `restarts overlap: ${endpoints[i - 1]} down until ${main[i - 1].end - t0} ms, ${endpoints[i]} down from ${main[i].start - t0} ms`);
        }
        // Outside those restarts no member was ever down for more than a blip of the monitor.
        for (const [i, ep] of endpoints.entries()) {
            const others = windows[ep].filter((w) => w !== main[i]);
            for (const w of others) assert.ok(w.end - w.start < 1500, `${ep} down ${w.end - w.start} ms outside its restart`);
        }

        // The kubelet: new pods, Ready, probes passing, never restarted.
        const results = await eachHost(inv, (h) => waitPodHealthy(h, 180_000));
        results.forEach(({ pod, counts }, i) => {
            assert.notEqual(pod.metadata.uid, podsBefore[i], `${inv.hosts[i].name}: the kubelet kept the old pod`);
            assert.equal(pod.status?.containerStatuses?.[0].restartCount, 0);
            assert.equal(counts["Liveness/failed"] ?? 0, 0, JSON.stringify(counts));
        });
        const health = await clusterHealth(admin, endpoints);
        assert.equal(health.entries.filter((e) => e.health).length, 3, health.raw);
        const got = await etcdctl(admin, endpoints, ["get", "spod-e2e", "--print-value-only"]);
        assert.equal(got.stdout.trim(), "hello");

        // And the stack is settled again.
        const p = await stack.stack.preview({ color: "never" });
        const changedAfter = Object.entries(p.changeSummary).filter(([op, n]) => op !== "same" && op !== "read" && (n ?? 0) > 0);
        assert.deepEqual(changedAfter, [], p.stdout);
    });

    it("destroy removes the manifests, the kubelet stops the pods, and the hosts end clean", { timeout: 20 * 60_000 }, async (t) => {
        const stack = s as SandboxStack;
        const t0 = Date.now();
        const r = await stack.stack.destroy({ onOutput: (o) => stack.transcript.push(o), color: "never" });
        t.diagnostic(`pulumi destroy took ${secs(Date.now() - t0)}`);
        assert.equal(r.summary.result, "succeeded");
        destroyed = true;
        await stack.stack.workspace.removeStack(STACK);

        await eachHost(inv, async (h) => {
            assert.deepEqual(await etcdContainers(h), [], `${h.name}: etcd still running`);
            assert.equal((await sshHost(h, "pgrep -x etcd", { bed: BED })).code, 1, `${h.name}: an etcd process is left`);
            await eventually(`${h.name}: etcd pod gone from the kubelet`, async () => (!(await kubeletPods(h)).some((p) => p.metadata.name === `etcd-${h.name}`) ? true : undefined), 60_000);
            assert.equal(await ok(h, "ss -Hltn '( sport = :2379 or sport = :2380 or sport = :2381 )' | wc -l"), "0");
            // Nothing of ours is left.
            const left = await ok(
                h,
                `for p in ${MANIFEST} ${STAGED} ${PKI} ${DATA} /etc/profile.d/etcdctl.sh /etc/etcd/.etcdhosts-bootstrapped; do [ ! -e "$p" ] || echo "$p"; done`,
            );
            assert.equal(left, "", `${h.name}: left behind:\n${left}`);
            assert.equal(await ok(h, "ls -A /etc/kubernetes/manifests | wc -l"), "0");
            // The kubelet itself is untouched.
            assert.equal(await ok(h, "systemctl is-active kubelet containerd"), "active\nactive");
        });
    });
});
