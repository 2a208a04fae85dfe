// Component tests for EtcdMemberService, one member per runtime, with plain PEM inputs (the
// cluster test covers the wiring to the real PKI components). Mocks first, components after.
//
// Our harness reads parent, dependencies and options from the registration request, so order is
// asserted through recorded dependency URNs. What mocks can't prove: how the engine diffs
// (that a changed `update` input runs as an update, a changed `create` as a replacement), the
// engine's scheduling, and anything on a real host (the scripts run under the local sh in
// test/unit/lifecycleScripts.test.ts; the test bed's e2e tests run them for real).
import { RecordedResource, allStrings, commandStrings, setupMocks, valueOf } from "../support/mocks";
const mocks = setupMocks();

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { parseClusterConfig } from "../../components/config";
import type { ClusterConfig } from "../../components/types";
import { EtcdMemberService, MemberPki } from "../../components/etcd/etcdMemberService";
import type { EtcdMember } from "../../components/etcd/member";
import { buildMember, buildMembers } from "../unit/helpers";
import { planCluster } from "../../components/etcd/plan";
import { clientEndpoints } from "../../components/etcd/flags";
import { renderConfigFile } from "../../components/etcd/renderConfigFile";
import { renderEnvFile } from "../../components/etcd/renderEnvFile";
import { renderUnit } from "../../components/etcd/renderUnit";
import { renderStaticPod } from "../../components/etcd/renderStaticPod";
import { renderEtcdctlProfile } from "../../components/etcd/renderEtcdctlProfile";
import { STAGED_MANIFEST } from "../../components/constants";
import { markExistingScript, rollScript, startScript, stopScript } from "../../components/etcd/lifecycleScripts";
import { asRoot, decodeFileBundle, removeFilesScript, writeFilesScript } from "../../components/remote/shell";
import { removeFileSetScript, writeFileSetScript } from "../../components/remote/fileSet";
import { parseWith, stackRaw } from "../unit/helpers";

const CMD = "command:remote:Command";
const TOKEN = "etcd-0123456789abcdef0123456789abcdef";
const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nSSH-KEY-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n";
const pem = (kind: string, body: string): string => `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----\n`;

function pki(tag = "", ca = "CA"): MemberPki {
    return {
        caCertPem: pem("CERTIFICATE", ca),
        serverCertPem: pem("CERTIFICATE", `SERVER${tag}`),
        serverKeyPem: pulumi.secret(pem("PRIVATE KEY", `SERVER-KEY-MATERIAL${tag}`)),
        peerCertPem: pem("CERTIFICATE", "PEER"),
        peerKeyPem: pulumi.secret(pem("PRIVATE KEY", "PEER-KEY-MATERIAL")),
        adminCertPem: pem("CERTIFICATE", "ADMIN"),
        adminKeyPem: pulumi.secret(pem("PRIVATE KEY", "ADMIN-KEY-MATERIAL")),
        healthcheckCertPem: pem("CERTIFICATE", "HEALTHCHECK"),
        healthcheckKeyPem: pulumi.secret(pem("PRIVATE KEY", "HEALTHCHECK-KEY-MATERIAL")),
    };
}
/** The PEMs in the order `${name}-pki` writes them. */
const PKI_CONTENTS = [
    pem("CERTIFICATE", "CA"),
    pem("CERTIFICATE", "SERVER"),
    pem("PRIVATE KEY", "SERVER-KEY-MATERIAL"),
    pem("CERTIFICATE", "PEER"),
    pem("PRIVATE KEY", "PEER-KEY-MATERIAL"),
    pem("CERTIFICATE", "ADMIN"),
    pem("PRIVATE KEY", "ADMIN-KEY-MATERIAL"),
    pem("CERTIFICATE", "HEALTHCHECK"),
    pem("PRIVATE KEY", "HEALTHCHECK-KEY-MATERIAL"),
];

/** A stand-in for the host's HostPreparation: a component with one command. */
class FakeHost extends pulumi.ComponentResource {
    constructor(name: string) {
        super("etcdhosts:test:FakeHost", name, {});
        new command.remote.Command(`${name}-ready`, { connection: { host: "10.0.0.1" }, create: "true" }, { parent: this });
        this.registerOutputs({});
    }
}

interface Made {
    service: EtcdMemberService;
    cfg: ClusterConfig;
    shape: EtcdMember;
    endpoints: string[];
}

function make(name: string, cfg: ClusterConfig, member: string, opts: { tag?: string; ca?: string; host?: pulumi.Resource; rollAfter?: pulumi.Resource; user?: string } = {}): Made {
    const endpoints = clientEndpoints(buildMembers(cfg, { initialClusterState: "new", initialClusterToken: TOKEN }));
    const plan = planCluster(cfg);
    const node = cfg.nodes.find((n) => n.name === member)!;
    const service = new EtcdMemberService(name, {
        plan,
        member: plan.members.find((m) => m.name === member)!,
        clusterToken: TOKEN,
        facts: { initialClusterState: "new" },
        connection: { host: node.sshHost, port: node.sshPort, user: opts.user ?? node.sshUser, privateKey: SSH_KEY, hostKey: node.hostKey },
        pki: pki(opts.tag, opts.ca),
        ...(opts.rollAfter ? { rollAfter: opts.rollAfter } : {}),
    }, opts.host ? { dependsOn: [opts.host] } : undefined);
    return { service, cfg, shape: buildMember(cfg, member, { initialClusterState: "new", initialClusterToken: TOKEN }), endpoints };
}

const byName = (r: RecordedResource): string => r.name;
/** Whether an input path is (inside) a secret: the engine may mark the whole `connection` secret. */
function underSecret(r: RecordedResource, path: string): boolean {
    return r.secretPaths.some((s) => path === s || path.startsWith(`${s}.`) || path.startsWith(`${s}[`));
}
function deps(r: RecordedResource): string[] {
    return r.options.dependencies.map((urn) => urn.split("::").pop()!).sort();
}
function member(cfg: ClusterConfig, name: string): EtcdMember {
    return buildMember(cfg, name, { initialClusterState: "new", initialClusterToken: TOKEN });
}

const SD_CFG = parseClusterConfig(stackRaw("dev"));
const PCM_CFG = parseClusterConfig(stackRaw("pc-master"));
const SP_CFG = parseClusterConfig(stackRaw("static-pod"));

const host = new FakeHost("hostA");
const sd = make("sd-h1", SD_CFG, "h1", { host });
const pcm = make("pcm", PCM_CFG, "pc-master");
const sp = make("sp-master1", SP_CFG, "master1");

test("children: exact types and names, parented to the member", async () => {
    await mocks.settle();
    for (const name of ["sd-h1", "pcm", "sp-master1"]) {
        assert.equal(mocks.named(name).type, "etcdhosts:etcd:EtcdMemberService");
        assert.deepEqual(mocks.childrenOf(name).map((c) => [c.type, c.name]), [
            ["etcdhosts:remote:RemoteFiles", `${name}-pki`],
            ["etcdhosts:remote:RemoteFiles", `${name}-config`],
            [CMD, `${name}-cluster-state`],
            // Layouts whose hosts have etcdctl can add members to a running cluster.
            ...(name === "sp-master1" ? [] : [[CMD, `${name}-join`]]),
            [CMD, `${name}-start`],
            [CMD, `${name}-roll`],
        ], name);
        assert.deepEqual(mocks.childrenOf(`${name}-pki`).map(byName), [`${name}-pki-write`]);
        assert.deepEqual(mocks.childrenOf(`${name}-config`).map(byName), [`${name}-config-write`]);
    }
    assert.equal(sd.service.configPath, "/etc/etcd/etcd.conf.yml");
    assert.equal(pcm.service.configPath, "/etc/etcd/etcd.env");
    assert.equal(sp.service.configPath, STAGED_MANIFEST);
    assert.deepEqual(mocks.registeredOutputs("sd-h1"), { configPath: "/etc/etcd/etcd.conf.yml" });
});

test("systemd: every file, with path, mode, owner and group; keys 0600 etcd, configs 0640 root:etcd, unit 0644", async () => {
    await mocks.settle();
    const write = mocks.named("sd-h1-pki-write");
    // The certificates and keys switch as one set (fileSet.ts).
    const pkiTargets = [
        { path: "/etc/etcd/pki/ca.crt", mode: "0644", owner: "etcd", group: "etcd" },
        { path: "/etc/etcd/pki/server.crt", mode: "0644", owner: "etcd", group: "etcd" },
        { path: "/etc/etcd/pki/server.key", mode: "0600", owner: "etcd", group: "etcd" },
        { path: "/etc/etcd/pki/peer.crt", mode: "0644", owner: "etcd", group: "etcd" },
        { path: "/etc/etcd/pki/peer.key", mode: "0600", owner: "etcd", group: "etcd" },
        // Client certificates are root's, for etcdctl and the roll/health scripts.
        { path: "/etc/etcd/pki/admin-client.crt", mode: "0644", owner: "root", group: "root" },
        { path: "/etc/etcd/pki/admin-client.key", mode: "0600", owner: "root", group: "root" },
        { path: "/etc/etcd/pki/healthcheck-client.crt", mode: "0644", owner: "root", group: "root" },
        { path: "/etc/etcd/pki/healthcheck-client.key", mode: "0600", owner: "root", group: "root" },
    ];
    assert.equal(write.inputs.create, asRoot(writeFileSetScript(pkiTargets), "root"));
    assert.equal(write.inputs.delete, asRoot(removeFileSetScript(pkiTargets.map((t) => t.path)), "root"));
    assert.deepEqual(decodeFileBundle(write.inputs.stdin), PKI_CONTENTS);

    const config = mocks.named("sd-h1-config-write");
    assert.equal(config.inputs.create, asRoot(writeFilesScript([
        { path: "/etc/etcd/etcd.conf.yml", mode: "0640", owner: "root", group: "etcd" },
        { path: "/etc/systemd/system/etcd.service", mode: "0644", owner: "root", group: "root" },
        { path: "/etc/profile.d/etcdctl.sh", mode: "0644", owner: "root", group: "root" },
    ]), "root"));
    assert.equal(config.inputs.delete, asRoot(removeFilesScript(["/etc/etcd/etcd.conf.yml", "/etc/systemd/system/etcd.service", "/etc/profile.d/etcdctl.sh"]), "root"));
    const h1 = member(SD_CFG, "h1");
    assert.deepEqual(decodeFileBundle(config.inputs.stdin), [renderConfigFile(h1), renderUnit(h1), renderEtcdctlProfile(h1, sd.endpoints)]);
});

test("the config sent to the host bootstraps: initial-cluster-state new, the cluster token", async () => {
    await mocks.settle();
    const [conf] = decodeFileBundle(mocks.named("sd-h1-config-write").inputs.stdin);
    const lines = conf.split("\n");
    assert.deepEqual(lines.filter((l) => l.startsWith("initial-cluster")), [
        "initial-cluster: h1=https://10.213.0.11:2380,h2=https://10.213.0.12:2380,h3=https://10.213.0.13:2380",
        "initial-cluster-state: new",
        `initial-cluster-token: ${TOKEN}`,
    ]);
    const [env] = decodeFileBundle(mocks.named("pcm-config-write").inputs.stdin);
    assert.deepEqual(env.split("\n").filter((l) => l.startsWith("ETCD_INITIAL_CLUSTER_")), ["ETCD_INITIAL_CLUSTER_STATE=new", `ETCD_INITIAL_CLUSTER_TOKEN=${TOKEN}`]);
    const [pod] = decodeFileBundle(mocks.named("sp-master1-config-write").inputs.stdin);
    assert.deepEqual(pod.split("\n").filter((l) => /--initial-cluster-(state|token)/.test(l)), ["    - --initial-cluster-state=new", `    - --initial-cluster-token=${TOKEN}`]);
});

test("pc-master: the ETCD_* env file 0640 root:etcd, unit, profile; keys owned by etcd", async () => {
    await mocks.settle();
    assert.equal(mocks.named("pcm-config-write").inputs.create, asRoot(writeFilesScript([
        { path: "/etc/etcd/etcd.env", mode: "0640", owner: "root", group: "etcd" },
        { path: "/etc/systemd/system/etcd.service", mode: "0644", owner: "root", group: "root" },
        { path: "/etc/profile.d/etcdctl.sh", mode: "0644", owner: "root", group: "root" },
    ]), "root"));
    const m = member(PCM_CFG, "pc-master");
    assert.deepEqual(decodeFileBundle(mocks.named("pcm-config-write").inputs.stdin), [renderEnvFile(m), renderUnit(m), renderEtcdctlProfile(m, pcm.endpoints)]);
    assert.match(mocks.named("pcm-pki-write").inputs.create, /\nstage 3 server\.key 0600 etcd etcd\n/);
});

test("static pod: kubeadm PKI dir, every file root's; no unit; the manifest staged at STAGED_MANIFEST", async () => {
    await mocks.settle();
    const dir = "/etc/kubernetes/pki/etcd";
    assert.equal(mocks.named("sp-master1-pki-write").inputs.create, asRoot(writeFileSetScript([
        { path: `${dir}/ca.crt`, mode: "0644", owner: "root", group: "root" },
        { path: `${dir}/server.crt`, mode: "0644", owner: "root", group: "root" },
        { path: `${dir}/server.key`, mode: "0600", owner: "root", group: "root" },
        { path: `${dir}/peer.crt`, mode: "0644", owner: "root", group: "root" },
        { path: `${dir}/peer.key`, mode: "0600", owner: "root", group: "root" },
        { path: `${dir}/admin-client.crt`, mode: "0644", owner: "root", group: "root" },
        { path: `${dir}/admin-client.key`, mode: "0600", owner: "root", group: "root" },
        { path: `${dir}/healthcheck-client.crt`, mode: "0644", owner: "root", group: "root" },
        { path: `${dir}/healthcheck-client.key`, mode: "0600", owner: "root", group: "root" },
    ]), "root"));
    assert.equal(mocks.named("sp-master1-config-write").inputs.create, asRoot(writeFilesScript([
        { path: "/etc/kubernetes/etcdhosts/etcd.yaml", mode: "0600", owner: "root", group: "root" },
        { path: "/etc/profile.d/etcdctl.sh", mode: "0644", owner: "root", group: "root" },
    ]), "root"));
    const m = member(SP_CFG, "master1");
    assert.deepEqual(decodeFileBundle(mocks.named("sp-master1-config-write").inputs.stdin), [renderStaticPod(m), renderEtcdctlProfile(m, sp.endpoints)]);
    // The live manifest is only ever written by the start and roll scripts, from the staged copy.
    assert.equal(mocks.named("sp-master1-start").inputs.create, asRoot(startScript(sp.shape), "root"));
    assert.doesNotMatch(allStrings(mocks.resources.filter((r) => r.name.startsWith("sp-master1")).map((r) => r.inputs)).join("\n"), /etcd\.service|systemctl/);
});

test("commands: exact scripts, idempotent stop on delete, roll only on update", async () => {
    await mocks.settle();
    for (const [name, m] of [["sd-h1", sd], ["pcm", pcm], ["sp-master1", sp]] as const) {
        const start = mocks.named(`${name}-start`);
        assert.equal(start.inputs.create, asRoot(startScript(m.shape), "root"), name);
        assert.equal(start.inputs.delete, asRoot(stopScript(m.shape), "root"), name);
        assert.equal(start.inputs.update, undefined, name);
        assert.equal(start.options.deleteBeforeReplace, true, name);

        const roll = mocks.named(`${name}-roll`);
        const fingerprint = await valueOf(m.service.fingerprint);
        assert.match(fingerprint, /^[0-9a-f]{64}$/);
        assert.equal(roll.inputs.create, "true", name);
        assert.equal(roll.inputs.update, asRoot(rollScript(m.shape, m.endpoints, fingerprint), "root"), name);
        assert.equal(roll.inputs.delete, undefined, name);

        const state = mocks.named(`${name}-cluster-state`);
        assert.match(state.inputs.create, /^sh -c '# config [0-9a-f]{64}\n/);
        assert.ok(state.inputs.create.endsWith(`\n${markExistingScript(m.shape, TOKEN).replace(/'/g, `'"'"'`)}'`), name);
        assert.equal(state.inputs.delete, undefined, name);
    }
});

test("order: files after the host (dependsOn reaches the writers), state after config, start after all, roll after start", async () => {
    await mocks.settle();
    assert.deepEqual(deps(mocks.named("sd-h1-pki-write")), ["hostA-ready"]);
    assert.deepEqual(deps(mocks.named("sd-h1-config-write")), ["hostA-ready"]);
    assert.deepEqual(deps(mocks.named("sd-h1-cluster-state")), ["sd-h1-config-write"]);
    // A member new to a running cluster joins its member list between its files and its start.
    assert.deepEqual(deps(mocks.named("sd-h1-join")), ["sd-h1-cluster-state", "sd-h1-config-write", "sd-h1-pki-write"]);
    assert.deepEqual(deps(mocks.named("sd-h1-start")), ["sd-h1-cluster-state", "sd-h1-config-write", "sd-h1-join", "sd-h1-pki-write"]);
    assert.deepEqual(deps(mocks.named("sp-master1-start")), ["sp-master1-cluster-state", "sp-master1-config-write", "sp-master1-pki-write"]);
    assert.deepEqual(deps(mocks.named("sd-h1-roll")), ["sd-h1-cluster-state", "sd-h1-start"]);
    // Without a host dependency the writers wait for nothing.
    assert.deepEqual(deps(mocks.named("pcm-pki-write")), []);
});

test("rollAfter chains this member's roll after the previous one, and only the roll", async () => {
    const cfg = SD_CFG;
    const a = make("chain-h1", cfg, "h1");
    make("chain-h2", cfg, "h2", { rollAfter: a.service.roll });
    await mocks.settle();
    assert.deepEqual(deps(mocks.named("chain-h2-roll")), ["chain-h1-roll", "chain-h2-cluster-state", "chain-h2-start"]);
    assert.deepEqual(deps(mocks.named("chain-h2-start")), ["chain-h2-cluster-state", "chain-h2-config-write", "chain-h2-join", "chain-h2-pki-write"]);
    assert.deepEqual(deps(mocks.named("chain-h2-join")), ["chain-h2-cluster-state", "chain-h2-config-write", "chain-h2-pki-write"]);
});

test("secrets: keys only on the writer's secret stdin; no PEM in any command string; logging none", async () => {
    await mocks.settle();
    const commands = mocks.resources.filter((r) => r.type === CMD);
    assert.ok(commands.length >= 3 * 7);
    for (const r of commands) {
        for (const s of commandStrings(r)) assert.doesNotMatch(s, /-----BEGIN|KEY-MATERIAL/, r.name);
        // The SSH key travels only in the (secret) connection.
        assert.equal(r.inputs.connection.privateKey, r.name === "hostA-ready" ? undefined : SSH_KEY, r.name);
        if (r.name !== "hostA-ready") assert.ok(underSecret(r, "connection.privateKey"), `${r.name}: ${r.secretPaths}`);
        if (typeof r.inputs.stdin === "string") {
            const files = decodeFileBundle(r.inputs.stdin);
            const keys = files.filter((f) => f.includes("PRIVATE KEY"));
            assert.equal(keys.length, r.name.endsWith("-pki-write") ? 4 : 0, r.name);
            assert.ok(r.secretPaths.includes("stdin"), r.name);
            assert.equal(r.inputs.logging, "none", r.name);
            assert.deepEqual([...r.options.additionalSecretOutputs].sort(), ["connection", "stderr", "stdout"], r.name);
        } else {
            // Nothing else carries key material, in any input.
            assert.doesNotMatch(allStrings({ ...r.inputs, connection: undefined }).join("\n"), /PRIVATE KEY|KEY-MATERIAL/, r.name);
        }
    }
});

test("non-root SSH user: every command goes through sudo -n", async () => {
    make("sudo-h1", SD_CFG, "h1", { user: "deploy" });
    await mocks.settle();
    for (const n of ["sudo-h1-pki-write", "sudo-h1-config-write", "sudo-h1-cluster-state", "sudo-h1-start"]) {
        const r = mocks.named(n);
        for (const s of commandStrings(r)) assert.ok(s.startsWith("sudo -n sh -c '"), `${n}: ${s.slice(0, 30)}`);
    }
    const roll = mocks.named("sudo-h1-roll");
    assert.equal(roll.inputs.create, "true");
    assert.ok(roll.inputs.update.startsWith("sudo -n sh -c '# etcdhosts restart fingerprint: "));
});

test("a heartbeat change changes every member's roll update, and no start script", async () => {
    const slow = parseWith({ heartbeatIntervalMs: 200, electionTimeoutMs: 2000 });
    const base = parseWith({});
    const before = ["h1", "h2", "h3"].map((n) => make(`hb-a-${n}`, base, n));
    const after = ["h1", "h2", "h3"].map((n) => make(`hb-b-${n}`, slow, n));
    await mocks.settle();
    for (const n of ["h1", "h2", "h3"]) {
        const [a, b] = [mocks.named(`hb-a-${n}-roll`), mocks.named(`hb-b-${n}-roll`)];
        assert.notEqual(a.inputs.update, b.inputs.update, n);
        assert.equal(a.inputs.create, b.inputs.create, n);
        const [sa, sb] = [mocks.named(`hb-a-${n}-start`), mocks.named(`hb-b-${n}-start`)];
        assert.deepEqual(commandStrings(sa), commandStrings(sb), n);
        // The config file carries the change, the unit does not.
        const [ca, cb] = [decodeFileBundle(mocks.named(`hb-a-${n}-config-write`).inputs.stdin), decodeFileBundle(mocks.named(`hb-b-${n}-config-write`).inputs.stdin)];
        assert.ok(ca[0].includes("\nheartbeat-interval: 100\n") && cb[0].includes("\nheartbeat-interval: 200\n"), n);
        assert.equal(ca[1], cb[1], n);
    }
    const fps = await Promise.all([...before, ...after].map((m) => valueOf(m.service.fingerprint)));
    assert.equal(new Set(fps).size, 6, "every member's fingerprint differs (member names differ) and changes with the heartbeat");
});

test("restart fingerprint: a new CA restarts, a renewed leaf certificate does not (etcd re-reads leaves, pitfalls P9)", async () => {
    const base = make("fp-base", SD_CFG, "h1");
    const leaf = make("fp-leaf", SD_CFG, "h1", { tag: "-renewed" });
    const ca = make("fp-ca", SD_CFG, "h1", { ca: "CA-2" });
    await mocks.settle();
    const [fb, fl, fc] = await Promise.all([base, leaf, ca].map((m) => valueOf(m.service.fingerprint)));
    assert.equal(fl, fb);
    assert.notEqual(fc, fb);
    assert.equal(mocks.named("fp-leaf-roll").inputs.update, mocks.named("fp-base-roll").inputs.update);
    assert.notEqual(mocks.named("fp-ca-roll").inputs.update, mocks.named("fp-base-roll").inputs.update);
    // The leaf still reaches the host: the pki writer's content changed.
    assert.notDeepEqual(decodeFileBundle(mocks.named("fp-leaf-pki-write").inputs.stdin), decodeFileBundle(mocks.named("fp-base-pki-write").inputs.stdin));
});

test("cluster-state re-runs on every rewrite of the config files, also one that changes only the unit", async () => {
    // package vs binary install: same etcd.conf.yml, different ExecStart in the unit. Every write
    // rewrites etcd.conf.yml with `new`, so the state step must run again.
    make("cs-pkg", parseWith({ installMethod: "package", etcdVersion: "3.6.16" }), "h1");
    make("cs-bin", parseWith({}), "h1");
    make("cs-same", parseWith({}), "h1");
    await mocks.settle();
    const [p, b] = [decodeFileBundle(mocks.named("cs-pkg-config-write").inputs.stdin), decodeFileBundle(mocks.named("cs-bin-config-write").inputs.stdin)];
    assert.equal(p[0], b[0], "same etcd.conf.yml");
    assert.notEqual(p[1], b[1], "different unit");
    assert.notEqual(mocks.named("cs-pkg-cluster-state").inputs.create, mocks.named("cs-bin-cluster-state").inputs.create);
    assert.equal(mocks.named("cs-same-cluster-state").inputs.create, mocks.named("cs-bin-cluster-state").inputs.create);
});
