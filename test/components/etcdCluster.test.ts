// Component tests for EtcdCluster: the whole wiring per layout, under mocks. Mocks first.
//
// Our harness records parent, dependencies (URNs) and options from the registration request,
// so identity (names), structure (parents) and order (dependencies) are asserted exactly. What
// mocks can't prove: how the engine diffs and schedules (that a changed roll `update` really
// runs as an update and the chain really serializes the restarts), that the RandomId token is
// stable across runs, and anything on a real host; see test/e2e for those.
import { RecordedResource, allStrings, commandStrings, isSecret, setupMocks, valueOf } from "../support/mocks";

const TOKEN_HEX = "0123456789abcdef0123456789abcdef";
const TOKEN = `etcd-${TOKEN_HEX}`;
/** `etcdctl member list -w json` of the dev cluster (ids beyond 2^53, as etcd prints them). */
const MEMBER_LIST_JSON =
    '{"header":{"cluster_id":17237436991929493444,"member_id":9372538179322589801,"revision":1,"raft_term":2},"members":[' +
    '{"ID":9372538179322589801,"name":"h1","peerURLs":["https://10.213.0.11:2380"],"clientURLs":["https://10.213.0.11:2379"]},' +
    '{"ID":10501334649042878790,"name":"h2","peerURLs":["https://10.213.0.12:2380"],"clientURLs":["https://10.213.0.12:2379"]},' +
    '{"ID":18249187646912138824,"name":"h3","peerURLs":["https://10.213.0.13:2380"],"clientURLs":["https://10.213.0.13:2379"]}]}\n';

const mocks = setupMocks((args) => {
    if (args.type === "random:index/randomId:RandomId") return { hex: TOKEN_HEX, b64Std: "ASNFZ4mrze8BI0VniavN7w==", dec: "1512366075204170929049582354406559215" };
    if (args.type === "command:remote:Command" && args.name === "sd-health") return { stdout: MEMBER_LIST_JSON };
    if (args.type === "command:remote:Command" && args.name.endsWith("-install")) return { stdout: "etcd Version: 3.6.16\nGit SHA: fake\nGo Version: go1.24" };
    return undefined;
});

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parseClusterConfig } from "../../components/config";
import type { ClusterConfig } from "../../components/types";
import { EtcdCluster } from "../../components/etcd/etcdCluster";
import { parseMemberList } from "../../components/etcd/memberList";
import { ClusterPlan, planCluster } from "../../components/etcd/plan";
import { MembershipPlan, planMembership } from "../../components/etcd/membership";

/** A plan and the membership of a first `up` (no previous record): every member bootstraps. */
function planned(cfg: ClusterConfig): { plan: ClusterPlan; membership: MembershipPlan } {
    const plan = planCluster(cfg);
    return { plan, membership: planMembership(plan, undefined, false) };
}
import { buildMember } from "../unit/helpers";
import { renderConfigFile } from "../../components/etcd/renderConfigFile";
import { STAGED_MANIFEST } from "../../components/constants";
import { healthGateScript, markBootstrappedScript, unmarkBootstrappedScript } from "../../components/etcd/lifecycleScripts";
import { asRoot, decodeFileBundle } from "../../components/remote/shell";
import { parseWith, stackRaw } from "../unit/helpers";

const CMD = "command:remote:Command";
const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nSSH-KEY-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n";

/** A local dir with fake etcd and etcdctl, as toolchain/env.sh would name. */
function fakeBinaryDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-bin-"));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, "etcd"), "#!/bin/sh\necho fake etcd\n", { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "etcdctl"), "#!/bin/sh\necho fake etcdctl\n", { mode: 0o755 });
    return dir;
}
const BIN_DIR = fakeBinaryDir();

// The cluster without its snapshots and restore (test/components/etcdBackups.test.ts has those).
const NO_BACKUPS = { backups: false };
const SD_CFG = parseClusterConfig({ ...stackRaw("dev"), ...NO_BACKUPS });
const PCM_CFG = parseClusterConfig({ ...stackRaw("pc-master"), ...NO_BACKUPS });
const SP_CFG = parseClusterConfig({ ...stackRaw("static-pod"), ...NO_BACKUPS });

// `binary` install resolved from the environment variable (the dev stack leaves etcdBinaryDir empty).
const sd = new EtcdCluster("sd", { ...planned(SD_CFG), sshPrivateKey: SSH_KEY, env: { ETCDHOSTS_ETCD_DIR_3_6: BIN_DIR } });
const pcm = new EtcdCluster("pcm", { ...planned(PCM_CFG), sshPrivateKey: SSH_KEY, env: {} });
// The static-pod stack keeps Pulumi.yaml's installMethod default ("binary") with no directory
// anywhere: the layout runs etcd from its image, so that must not matter.
const sp = new EtcdCluster("sp", { ...planned(SP_CFG), sshPrivateKey: SSH_KEY, env: {} });

function deps(r: RecordedResource): string[] {
    return r.options.dependencies.map((urn) => urn.split("::").pop()!).sort();
}

/** Every resource under a component, depth first. */
function subtree(name: string): RecordedResource[] {
    return mocks.childrenOf(name).flatMap((c) => [c, ...(c.custom ? [] : subtree(c.name))]);
}

function countByType(rs: readonly RecordedResource[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of rs) out[r.type] = (out[r.type] ?? 0) + 1;
    return out;
}

/** The direct children every cluster has, for its node names. */
function expectedChildren(name: string, nodes: readonly string[], membershipChanges = true): [string, string][] {
    return [
        ["random:index/randomId:RandomId", `${name}-token`],
        ["etcdhosts:pki:CertificateAuthority", `${name}-ca`],
        ["etcdhosts:pki:MemberCertificates", `${name}-members`],
        ["etcdhosts:pki:ClientCertificates", `${name}-clients`],
        ...nodes.flatMap((n): [string, string][] => [
            ["etcdhosts:remote:HostPreparation", `${name}-${n}-host`],
            ["etcdhosts:etcd:EtcdMemberService", `${name}-${n}`],
        ]),
        [CMD, `${name}-health`],
        ...nodes.map((n): [string, string] => [CMD, `${name}-${n}-bootstrapped`]),
        // Layouts that can change membership: each member's promote-and-wait step.
        ...(membershipChanges ? nodes.map((n): [string, string] => [CMD, `${name}-${n}-member`]) : []),
    ];
}

const sortPairs = (p: [string, string][]): [string, string][] => [...p].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));

test("systemd (dev stack): exact children keyed by node name, and counts per type over the whole tree", async () => {
    await mocks.settle();
    assert.equal(mocks.named("sd").type, "etcdhosts:etcd:EtcdCluster");
    assert.deepEqual(sortPairs(mocks.childrenOf("sd").map((c) => [c.type, c.name])), sortPairs(expectedChildren("sd", ["h1", "h2", "h3"])));
    assert.deepEqual(countByType(subtree("sd")), {
        "random:index/randomId:RandomId": 1,
        "etcdhosts:pki:CertificateAuthority": 1,
        "etcdhosts:pki:MemberCertificates": 1,
        "etcdhosts:pki:ClientCertificates": 1,
        // CA key+cert; per member server and peer key/csr/cert; three client certs.
        "tls:index/privateKey:PrivateKey": 1 + 3 * 2 + 3,
        "tls:index/selfSignedCert:SelfSignedCert": 1,
        "tls:index/certRequest:CertRequest": 3 * 2 + 3,
        "tls:index/locallySignedCert:LocallySignedCert": 3 * 2 + 3,
        "etcdhosts:remote:HostPreparation": 3,
        // Per host: clock (local) and wait-ssh, preflight, install, account, config-dirs, data-dir; two uploads.
        "command:local:Command": 3,
        "command:remote:CopyToRemote": 3 * 2,
        "etcdhosts:etcd:EtcdMemberService": 3,
        "etcdhosts:remote:RemoteFiles": 3 * 2,
        // Per host 6 preparation steps and the fresh staging dir of the uploads, per member 2 writers +
        // cluster-state/start/roll, the gate, 3 markers ... plus per member its join and member (promote) steps.
        [CMD]: 3 * 7 + 3 * 5 + 1 + 3 + 3 * 2,
    });
    assert.deepEqual(mocks.childrenOf("sd-h2").map((c) => c.name), ["sd-h2-pki", "sd-h2-config", "sd-h2-cluster-state", "sd-h2-join", "sd-h2-start", "sd-h2-roll"]);
    assert.deepEqual(sd.memberNames, ["h1", "h2", "h3"]);
    assert.deepEqual(sd.clientEndpoints, ["https://10.213.0.11:2379", "https://10.213.0.12:2379", "https://10.213.0.13:2379"]);
});

test("pc-master: one member, package install, no uploads", async () => {
    await mocks.settle();
    assert.deepEqual(sortPairs(mocks.childrenOf("pcm").map((c) => [c.type, c.name])), sortPairs(expectedChildren("pcm", ["pc-master"])));
    const types = countByType(subtree("pcm"));
    assert.equal(types["command:remote:CopyToRemote"], undefined);
    assert.equal(types[CMD], 6 + 5 + 1 + 1 + 2);
    assert.equal(types["etcdhosts:remote:RemoteFiles"], 2);
    assert.equal(mocks.named("pcm-pc-master-host-install").inputs.delete, undefined, "a distro package is not ours to remove");
    assert.deepEqual(pcm.clientEndpoints, ["https://192.168.1.105:2379"]);
});

test("static pod: no install, no etcd account, no unit anywhere; the manifest is staged", async () => {
    await mocks.settle();
    const nodes = ["master1", "master2", "master3"];
    assert.deepEqual(sortPairs(mocks.childrenOf("sp").map((c) => [c.type, c.name])), sortPairs(expectedChildren("sp", nodes, false)));
    for (const n of nodes) {
        // The image brings etcd; kubelet runs it as root: no install step, no account.
        assert.deepEqual(mocks.childrenOf(`sp-${n}-host`).map((c) => c.name).sort(), [
            `sp-${n}-host-clock`,
            `sp-${n}-host-config-dirs`,
            `sp-${n}-host-data-dir`,
            `sp-${n}-host-preflight`,
            `sp-${n}-host-wait-ssh`,
        ]);
        const write = mocks.named(`sp-${n}-config-write`);
        assert.match(write.inputs.create, new RegExp(`\nstage 1 ${STAGED_MANIFEST} /etc/kubernetes/etcdhosts/\\.tmp\\.etcd\\.yaml 0600 root root\n`));
    }
    assert.deepEqual(sp.memberNames, nodes);
    const everything = allStrings(subtree("sp").map((r) => r.inputs)).join("\n");
    assert.doesNotMatch(everything, /etcd\.service|systemctl/);
});

test("token: one RandomId per cluster; every member's config gets it, with initial-cluster-state new", async () => {
    await mocks.settle();
    assert.deepEqual(mocks.named("sd-token").inputs, { byteLength: 16 });
    for (const n of ["h1", "h2", "h3"]) {
        const [conf] = decodeFileBundle(mocks.named(`sd-${n}-config-write`).inputs.stdin);
        assert.equal(conf, renderConfigFile(buildMember(SD_CFG, n, { initialClusterState: "new", initialClusterToken: TOKEN })), n);
        assert.ok(conf.includes("\ninitial-cluster-state: new\n"), n);
        assert.ok(conf.includes(`\ninitial-cluster-token: ${TOKEN}\n`), n);
    }
    // The host preparation marks each data dir with the same token (pitfalls P1, P3).
    assert.match(mocks.named("sd-h1-host-data-dir").inputs.create, new RegExp(TOKEN));
});

test("roll chain is serial: h2 after h1, h3 after h2; starts don't wait for other members", async () => {
    await mocks.settle();
    const urn = (n: string): string => mocks.named(n).urn;
    assert.ok(mocks.named("sd-h2-roll").options.dependencies.includes(urn("sd-h1-roll")));
    assert.ok(mocks.named("sd-h3-roll").options.dependencies.includes(urn("sd-h2-roll")));
    // Exactly: own start and cluster-state, the previous roll, plus what the script's
    // fingerprint is computed from (the token and the CA certificate).
    assert.deepEqual(deps(mocks.named("sd-h1-roll")), ["sd-ca-cert", "sd-h1-cluster-state", "sd-h1-start", "sd-token"]);
    assert.deepEqual(deps(mocks.named("sd-h2-roll")), ["sd-ca-cert", "sd-h1-roll", "sd-h2-cluster-state", "sd-h2-start", "sd-token"]);
    assert.deepEqual(deps(mocks.named("sd-h3-roll")), ["sd-ca-cert", "sd-h2-roll", "sd-h3-cluster-state", "sd-h3-start", "sd-token"]);
    for (const n of ["h1", "h2", "h3"]) {
        // Members start together: etcd's start needs quorum, so a chain would deadlock.
        assert.deepEqual(deps(mocks.named(`sd-${n}-start`)), [`sd-${n}-cluster-state`, `sd-${n}-config-write`, `sd-${n}-join`, `sd-${n}-pki-write`]);
        // Bootstrapping members join nothing: no join waits for another member.
        assert.deepEqual(deps(mocks.named(`sd-${n}-join`)), [`sd-${n}-cluster-state`, `sd-${n}-config-write`, `sd-${n}-pki-write`]);
        const others = ["h1", "h2", "h3"].filter((o) => o !== n);
        for (const d of deps(mocks.named(`sd-${n}-start`))) assert.ok(!others.some((o) => d.startsWith(`sd-${o}-`)), `${n}: ${d}`);
    }
});

test("each member's files are written only after its own host is prepared", async () => {
    await mocks.settle();
    for (const n of ["h1", "h2", "h3"]) {
        const hostSteps = mocks.childrenOf(`sd-${n}-host`).filter((c) => c.custom).map((c) => c.name);
        assert.equal(hostSteps.length, 10, n);
        for (const w of [`sd-${n}-pki-write`, `sd-${n}-config-write`]) {
            const d = deps(mocks.named(w));
            for (const step of hostSteps) assert.ok(d.includes(step), `${w} waits for ${step}`);
            assert.ok(!d.some((x) => /^sd-h\d-host/.test(x) && !x.startsWith(`sd-${n}-host`)), `${w}: ${d}`);
        }
    }
});

test("health gate: runs on the first member after every member; markers after the gate", async () => {
    await mocks.settle();
    const gate = mocks.named("sd-health");
    const gateDeps = deps(gate);
    for (const n of ["h1", "h2", "h3"]) {
        for (const step of ["pki-write", "config-write", "cluster-state", "start", "roll"]) {
            assert.ok(gateDeps.includes(`sd-${n}-${step}`), `gate waits for sd-${n}-${step}`);
        }
    }
    assert.equal(gate.inputs.connection.host, "10.213.0.11");
    assert.equal(gate.inputs.logging, "stderr");
    const first = buildMember(SD_CFG, "h1", { initialClusterState: "new", initialClusterToken: "shape-only" });
    const script = gate.inputs.create as string;
    const fingerprint = /^sh -c '# etcdhosts cluster fingerprint: ([^\n]*)\n/.exec(script)?.[1] ?? "";
    assert.match(fingerprint, new RegExp(`^${TOKEN}/[0-9a-f]{64}$`));
    assert.equal(script, asRoot(healthGateScript(first, sd.clientEndpoints, fingerprint), "root"));

    for (const n of ["h1", "h2", "h3"]) {
        const marker = mocks.named(`sd-${n}-bootstrapped`);
        const d = deps(marker);
        assert.ok(d.includes("sd-health"), n);
        assert.ok(d.includes(`sd-${n}-roll`) && d.includes(`sd-${n}-start`), n);
        const m = buildMember(SD_CFG, n, { initialClusterState: "new", initialClusterToken: "shape-only" });
        assert.equal(marker.inputs.create, asRoot(markBootstrappedScript(m, TOKEN), "root"), n);
        assert.equal(marker.inputs.delete, asRoot(unmarkBootstrappedScript(), "root"), n);
        assert.equal(marker.inputs.connection.host, `10.213.0.1${n.slice(1)}`, n);
    }
});

test("outputs: member list parsed from the gate without losing 64-bit ids; expiries; registered outputs", async () => {
    await mocks.settle();
    assert.equal(await valueOf(sd.clusterId), "17237436991929493444");
    assert.deepEqual(await valueOf(sd.members), [
        { id: "9372538179322589801", name: "h1", peerURLs: ["https://10.213.0.11:2380"], clientURLs: ["https://10.213.0.11:2379"] },
        { id: "10501334649042878790", name: "h2", peerURLs: ["https://10.213.0.12:2380"], clientURLs: ["https://10.213.0.12:2379"] },
        { id: "18249187646912138824", name: "h3", peerURLs: ["https://10.213.0.13:2380"], clientURLs: ["https://10.213.0.13:2379"] },
    ]);
    assert.deepEqual(Object.keys(await valueOf(sd.certificateExpiry)).sort(), [
        "admin-client", "apiserver-etcd-client", "ca", "h1/peer", "h1/server", "h2/peer", "h2/server", "h3/peer", "h3/server", "healthcheck-client",
    ]);
    assert.equal((await valueOf(sd.certificateExpiry)).ca, "2034-12-30T00:00:00Z");
    const registered = mocks.registeredOutputs("sd");
    assert.deepEqual(Object.keys(registered).sort(), ["caCertPem", "certificateExpiry", "clientEndpoints", "clusterId", "memberNames"]);
    assert.deepEqual(registered.memberNames, ["h1", "h2", "h3"]);
    // A gate that printed nothing (the mocks' default here) gives an empty list, not a crash.
    assert.equal(await valueOf(pcm.clusterId), "");
    assert.deepEqual(await valueOf(pcm.members), []);
    // The static-pod gate answers through the JSON gateway, which quotes ids already.
    assert.deepEqual(parseMemberList('{"header":{"cluster_id":"42"},"members":[{"ID":"7","name":"a","peerURLs":[],"clientURLs":[]}]}'), {
        clusterId: "42",
        members: [{ id: "7", name: "a", peerURLs: [], clientURLs: [] }],
    });
});

test("secrets: admin and apiserver keys are secret outputs; the certificates are not", async () => {
    await mocks.settle();
    assert.equal(await isSecret(sd.adminKeyPem), true);
    assert.equal(await isSecret(sd.apiserverKeyPem), true);
    assert.equal(await isSecret(sd.adminCertPem), false);
    assert.equal(await isSecret(sd.caCertPem), false);
    assert.match(await valueOf(sd.adminKeyPem), /^-----BEGIN PRIVATE KEY-----\nFAKE-PRIVATE-KEY sd-clients-admin-client-key /);
    assert.match(await valueOf(sd.apiserverKeyPem), /^-----BEGIN PRIVATE KEY-----\nFAKE-PRIVATE-KEY sd-clients-apiserver-etcd-client-key /);
});

test("secrets: no PEM or key material in any command string; keys reach hosts only on the PKI writers' stdin", async () => {
    await mocks.settle();
    const commands = mocks.resources.filter((r) => r.type.startsWith("command:"));
    // sd: 3 × (clock + 6 host steps + 2 uploads + 2 writers + 4 member commands + member step) + gate + 3 markers;
    // pcm: 1 × (clock + 6 + 2 + 4 + 1) + 2; sp: 3 × (clock + 4 + 2 + 3) + 4.
    // ... each binary install with its fresh staging dir.
    assert.equal(commands.length, 52 + 16 + 34 + 3);
    for (const r of commands) {
        for (const s of commandStrings(r)) assert.doesNotMatch(s, /-----BEGIN|PRIVATE KEY|KEY-MATERIAL/, r.name);
        const { stdin, connection, ...rest } = r.inputs;
        assert.doesNotMatch(allStrings(rest).join("\n"), /-----BEGIN|PRIVATE KEY|KEY-MATERIAL/, r.name);
        if (connection?.privateKey !== undefined) {
            assert.equal(connection.privateKey, SSH_KEY, r.name);
            assert.ok(r.secretPaths.some((p) => p === "connection" || p === "connection.privateKey"), r.name);
        }
        if (typeof stdin === "string" && stdin.startsWith("--- 1")) {
            const keys = decodeFileBundle(stdin).filter((f) => /PRIVATE KEY/.test(f));
            assert.equal(keys.length, r.name.endsWith("-pki-write") ? 4 : 0, r.name);
            assert.ok(r.secretPaths.includes("stdin"), r.name);
            assert.equal(r.inputs.logging, "none", r.name);
        }
    }
    const writers = commands.filter((r) => r.name.endsWith("-pki-write")).map((r) => r.name).sort();
    assert.deepEqual(writers, ["pcm-pc-master-pki-write", "sd-h1-pki-write", "sd-h2-pki-write", "sd-h3-pki-write", "sp-master1-pki-write", "sp-master2-pki-write", "sp-master3-pki-write"]);
    // Each member gets its own server and peer keys and the shared client keys.
    assert.deepEqual(decodeFileBundle(mocks.named("sd-h2-pki-write").inputs.stdin).filter((f) => /PRIVATE KEY/.test(f)).map((f) => f.split("\n")[1].split(" ")[1]), [
        "sd-members-h2-server-key",
        "sd-members-h2-peer-key",
        "sd-clients-admin-client-key",
        "sd-clients-healthcheck-client-key",
    ]);
});

test("binary install from ETCDHOSTS_ETCD_DIR_3_6: the fake binaries are uploaded to every host", async () => {
    await mocks.settle();
    for (const n of ["h1", "h2", "h3"]) {
        for (const b of ["etcd", "etcdctl"]) {
            const stage = mocks.named(`sd-${n}-host-stage-${b}`);
            assert.equal(stage.type, "command:remote:CopyToRemote");
            assert.ok(stage.inputs.source instanceof pulumi.asset.FileAsset);
            assert.equal(await stage.inputs.source.path, path.join(BIN_DIR, b));
            assert.equal(stage.inputs.remotePath, `/var/lib/etcdhosts/stage/sd-${n}-host/${b}`);
        }
    }
});

test("binary install without etcdBinaryDir and without ETCDHOSTS_ETCD_DIR_3_6 fails naming etcdBinaryDir", () => {
    assert.throws(() => new EtcdCluster("nobin", { ...planned(SD_CFG), sshPrivateKey: SSH_KEY, env: {} }), {
        message: "etcdBinaryDir: empty, and ETCDHOSTS_ETCD_DIR_3_6 is not set either: name a local directory holding etcd and etcdctl 3.6.16",
    });
    assert.throws(
        () => new EtcdCluster("emptybin", { ...planned(SD_CFG), sshPrivateKey: SSH_KEY, env: { ETCDHOSTS_ETCD_DIR_3_6: "" } }),
        (e: unknown) => e instanceof pulumi.ResourceError && e.message.startsWith("etcdBinaryDir: empty, and ETCDHOSTS_ETCD_DIR_3_6 is not set either"),
    );
    // An explicit etcdBinaryDir wins over the environment.
    const cfg: ClusterConfig = parseWith({ etcdBinaryDir: BIN_DIR });
    new EtcdCluster("explicit", { ...planned(cfg), sshPrivateKey: SSH_KEY, env: {} });
});

test("binary install from a directory without etcd or etcdctl fails naming etcdBinaryDir, without a stack trace", () => {
    const missing = path.join(os.tmpdir(), `etcdhosts-no-such-dir-${process.pid}`);
    assert.throws(
        () => new EtcdCluster("missingbin", { ...planned(parseWith({ etcdBinaryDir: missing })), sshPrivateKey: SSH_KEY, env: {} }),
        (e: unknown) =>
            e instanceof pulumi.ResourceError &&
            e.hideStack === true &&
            e.message === `etcdBinaryDir: ${missing} has no readable etcd or etcdctl: name a local directory holding etcd and etcdctl 3.6.16`,
    );
    // Resolved from the environment: the message says where the directory came from.
    const half = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-halfbin-"));
    try {
        fs.writeFileSync(path.join(half, "etcd"), "#!/bin/sh\n", { mode: 0o755 });
        assert.throws(() => new EtcdCluster("halfbin", { ...planned(SD_CFG), sshPrivateKey: SSH_KEY, env: { ETCDHOSTS_ETCD_DIR_3_6: half } }), {
            message: `etcdBinaryDir: empty, and ETCDHOSTS_ETCD_DIR_3_6 names ${half}, which has no readable etcdctl: name a local directory holding etcd and etcdctl 3.6.16`,
        });
    } finally {
        fs.rmSync(half, { recursive: true, force: true });
    }
});

test("adding a node (3 → 4) renames and re-parents no existing child", async () => {
    const nodes = [
        { name: "h1", address: "10.213.0.11" },
        { name: "h2", address: "10.213.0.12" },
        { name: "h3", address: "10.213.0.13" },
    ];
    const three = parseWith({ installMethod: "package", etcdVersion: "3.4.23", nodes, ...NO_BACKUPS });
    const four = parseWith({ installMethod: "package", etcdVersion: "3.4.23", nodes: [...nodes, { name: "h4", address: "10.213.0.14" }], ...NO_BACKUPS });
    new EtcdCluster("g3", { ...planned(three), sshPrivateKey: SSH_KEY, env: {} });
    new EtcdCluster("g4", { ...planned(four), sshPrivateKey: SSH_KEY, env: {} });
    await mocks.settle();
    // Identity is the URN (parent type, type, name): compare with the cluster name factored out.
    const ident = (prefix: string): string[] =>
        mocks.resources
            .filter((r) => r.name === prefix || r.name.startsWith(`${prefix}-`))
            .map((r) => `${r.urn.split("::")[2].replace(/\$/g, " > ")} ${r.name.replace(prefix, "X")}`)
            .sort();
    const before = ident("g3");
    const after = ident("g4");
    // cluster, token, CA (3), member certs (1 + 3 × 6), client certs (1 + 9), hosts (3 × 8),
    // members (3 × 9: component, 2 file sets with their writers, 4 commands), gate, 3 markers,
    // 3 member (promote) steps.
    assert.equal(before.length, 1 + 1 + 3 + 19 + 10 + 24 + 27 + 1 + 3 + 3);
    const added = after.filter((i) => !before.includes(i));
    assert.deepEqual(before.filter((i) => !after.includes(i)), [], "no child of the 3-node cluster disappears or moves");
    // What the new node adds: its certificates, host, member and marker, nothing else.
    assert.ok(added.every((i) => / X-(members-)?h4(-|$)/.test(i)), added.join("\n"));
    assert.deepEqual(added.map((i) => i.split(" ").pop()).sort(), [
        "X-h4", "X-h4-bootstrapped", "X-h4-cluster-state", "X-h4-config", "X-h4-config-write", "X-h4-host", "X-h4-host-account", "X-h4-host-clock",
        "X-h4-host-config-dirs", "X-h4-host-data-dir", "X-h4-host-install", "X-h4-host-preflight", "X-h4-host-wait-ssh", "X-h4-join", "X-h4-member", "X-h4-pki", "X-h4-pki-write",
        "X-h4-roll", "X-h4-start", "X-members-h4-peer-cert", "X-members-h4-peer-csr", "X-members-h4-peer-key", "X-members-h4-server-cert",
        "X-members-h4-server-csr", "X-members-h4-server-key",
    ]);
    // The new member joins the end of the roll chain.
    assert.ok(mocks.named("g4-h4-roll").options.dependencies.includes(mocks.named("g4-h3-roll").urn));
});

// One validation layer: what the parser accepts, the components build as the parser meant it.

test("maxClockSkewSeconds 0 skips the clock check: no runner clock, no clock lines in preflight", async () => {
    new EtcdCluster("noclock", { ...planned(parseWith({ installMethod: "package", etcdVersion: "3.4.23", maxClockSkewSeconds: 0 })), sshPrivateKey: SSH_KEY, env: {} });
    new EtcdCluster("clock5", { ...planned(parseWith({ installMethod: "package", etcdVersion: "3.4.23", maxClockSkewSeconds: 5 })), sshPrivateKey: SSH_KEY, env: {} });
    await mocks.settle();
    const names = (prefix: string): string[] => mocks.resources.filter((r) => r.name.startsWith(`${prefix}-h1-host-`)).map((r) => r.name).sort();
    assert.deepEqual(names("noclock"), ["noclock-h1-host-account", "noclock-h1-host-config-dirs", "noclock-h1-host-data-dir", "noclock-h1-host-install", "noclock-h1-host-preflight", "noclock-h1-host-wait-ssh"]);
    const preflight = (prefix: string): string => String(mocks.named(`${prefix}-h1-host-preflight`).inputs.create);
    assert.doesNotMatch(preflight("noclock"), /clock/);
    assert.ok(names("clock5").includes("clock5-h1-host-clock"));
    // The configured limit reaches the check (0 used to become a fixed 30 s check).
    assert.match(preflight("clock5"), /-gt 5 \]; then fail/);
});

test("sshUser accepted by the parser (\"Admin\") builds: every host step runs through sudo -n as Admin", async () => {
    new EtcdCluster("admin", { ...planned(parseWith({ installMethod: "package", etcdVersion: "3.4.23", sshUser: "Admin" })), sshPrivateKey: SSH_KEY, env: {} });
    await mocks.settle();
    const steps = mocks.resources.filter((r) => r.name.startsWith("admin-") && r.type === CMD);
    assert.ok(steps.length > 10);
    for (const r of steps) assert.equal((r.inputs.connection as { user?: string }).user, "Admin", r.name);
    assert.match(String(mocks.named("admin-h1-host-preflight").inputs.create), /^sudo -n sh -c /);
});

test("preinstalled etcd is checked against etcdVersion, the version the flags are rendered for", async () => {
    new EtcdCluster("pre", { ...planned(parseWith({ installMethod: "preinstalled", etcdPath: "/opt/etcd/bin/etcd" })), sshPrivateKey: SSH_KEY, env: {} });
    await mocks.settle();
    const install = String(mocks.named("pre-h1-host-install").inputs.create);
    assert.match(install, /\/opt\/etcd\/bin\/etcdctl/);
    assert.match(install, /\nwant=3\.6\.16\n/);
});
