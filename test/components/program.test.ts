// The whole program (index.ts + stacks/*) under mocks, with configuration as the Pulumi CLI hands
// it over: every key as `etcdhosts:<key>`, every value a string (numbers and booleans as text,
// objects and arrays as JSON), Pulumi.yaml's defaults filled in. Mocks first.
//
// The scenarios share one process and one mock runtime, in order: the failing ones first (they
// must register nothing), then the dev stack, then a 4-node inventory. index.ts is re-required
// for each. What mocks can't prove: the CLI's own schema checks on Pulumi.yaml (types, secrets),
// real diffs and updates on a second `up`, and real hosts.
import { allStrings, isSecret, setupMocks, valueOf } from "../support/mocks";

const TOKEN_HEX = "00112233445566778899aabbccddeeff";
const MEMBER_LIST_JSON =
    '{"header":{"cluster_id":11588568905070377092,"member_id":1},"members":[' +
    '{"ID":1,"name":"h1","peerURLs":["https://10.213.0.11:2380"],"clientURLs":["https://10.213.0.11:2379"]},' +
    '{"ID":2,"name":"h2","peerURLs":["https://10.213.0.12:2380"],"clientURLs":["https://10.213.0.12:2379"]},' +
    '{"ID":3,"name":"h3","peerURLs":["https://10.213.0.13:2380"],"clientURLs":["https://10.213.0.13:2379"]}]}\n';
const mocks = setupMocks((args) => {
    if (args.type === "random:index/randomId:RandomId") return { hex: TOKEN_HEX };
    if (args.type === "command:remote:Command" && args.name === "etcd-health") return { stdout: MEMBER_LIST_JSON };
    if (args.type === "command:remote:Command" && args.name.endsWith("-install")) return { stdout: "etcd Version: 3.6.16\n" };
    return undefined;
});

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { ConfigError, parseClusterConfig } from "../../components/config";
import { ROOT, TEST_HOST_KEYS, TEST_KNOWN_HOSTS, projectDefaults } from "../unit/helpers";

const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nSSH-KEY-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n";
const INDEX = require.resolve("../../index");

function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `etcdhosts-${prefix}-`));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
}

// The dev stack's `binary` install resolves etcdBinaryDir from this variable.
const BIN_DIR = tempDir("bin");
fs.writeFileSync(path.join(BIN_DIR, "etcd"), "fake etcd\n");
fs.writeFileSync(path.join(BIN_DIR, "etcdctl"), "fake etcdctl\n");
process.env.ETCDHOSTS_ETCD_DIR_3_6 = BIN_DIR;
delete process.env.ETCDHOSTS_SSH_KEY_FILE;

/** Pulumi.yaml defaults overlaid with a stack file's values: key → typed value. */
function stackValues(stack: string): Record<string, unknown> {
    const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const values = projectDefaults();
    for (const [key, value] of Object.entries(doc.config)) values[key.replace(/^etcdhosts:/, "")] = value;
    return values;
}

/** As the CLI passes them: namespaced keys, string values, structures as JSON. */
function asPulumiConfig(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(values).map(([k, v]) => [`etcdhosts:${k}`, typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v)]),
    );
}

interface Run {
    /** What index.ts exported, or the error it threw. */
    exports?: Record<string, any>;
    error?: unknown;
    warnings: string[];
    /** Index of the first resource this run registered. */
    from: number;
}

/** Set the configuration, then load index.ts afresh, capturing pulumi.log.warn (console.warn without an engine). */
async function runProgram(values: Record<string, unknown>, secrets: Record<string, string> = {}): Promise<Run> {
    const config = { ...asPulumiConfig(values), ...Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`etcdhosts:${k}`, v])) };
    pulumi.runtime.setAllConfig(config, Object.keys(secrets).map((k) => `etcdhosts:${k}`));
    delete require.cache[INDEX];
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (msg: unknown): void => {
        warnings.push(String(msg));
    };
    const from = mocks.resources.length;
    try {
        // index.ts exports a promise: the previous membership is read before any resource.
        return { exports: (await require(INDEX)) as Record<string, any>, warnings, from };
    } catch (error) {
        return { error, warnings, from };
    } finally {
        console.warn = original;
    }
}

/** The dev stack as npm start runs it: the test bed's host keys pinned (here, TEST_KNOWN_HOSTS). */
const DEV = { ...stackValues("dev"), knownHosts: TEST_KNOWN_HOSTS };

test("the dev stack file alone pins no host keys: one error per node, nothing registered", async () => {
    const run = await runProgram(stackValues("dev"), { sshPrivateKey: SSH_KEY });
    await mocks.settle();
    assert.ok(run.error instanceof pulumi.RunError, String(run.error));
    const message = (run.error as Error).message;
    assert.ok(message.startsWith("invalid etcdhosts configuration (3 problems):\n"), message);
    for (const [i, address] of ["10.213.0.11", "10.213.0.12", "10.213.0.13"].entries()) {
        assert.ok(message.includes(`  - nodes[${i}].hostKey: required: no SSH host key for ${address}; set nodes[${i}].hostKey or list the host in knownHosts`), message);
    }
    assert.equal(mocks.resources.length, 0);
});

test("missing sshPrivateKey (and no ETCDHOSTS_SSH_KEY_FILE): one error naming sshPrivateKey, nothing registered", async () => {
    const run = await runProgram(DEV);
    await mocks.settle();
    assert.ok(run.error instanceof pulumi.RunError, String(run.error));
    assert.equal(
        (run.error as Error).message,
        "invalid etcdhosts configuration:\n  - sshPrivateKey: required; set it with `pulumi config set --secret sshPrivateKey < <key file>`",
    );
    assert.equal(mocks.resources.length, 0);
});

test("an unreadable ETCDHOSTS_SSH_KEY_FILE: one error naming sshPrivateKey and the file, nothing registered", async () => {
    const keyFile = path.join(tempDir("nokey"), "id_missing");
    process.env.ETCDHOSTS_SSH_KEY_FILE = keyFile;
    process.env.ETCDHOSTS_SSH_KEY_STACK = pulumi.getStack();
    try {
        const run = await runProgram(DEV);
        await mocks.settle();
        assert.ok(run.error instanceof pulumi.RunError, String(run.error));
        assert.equal(
            (run.error as Error).message,
            `invalid etcdhosts configuration:\n  - sshPrivateKey: not set, and ETCDHOSTS_SSH_KEY_FILE names ${keyFile}, which cannot be read (ENOENT)`,
        );
        assert.equal(mocks.resources.length, 0);
    } finally {
        delete process.env.ETCDHOSTS_SSH_KEY_FILE;
        delete process.env.ETCDHOSTS_SSH_KEY_STACK;
    }
});

test("ETCDHOSTS_SSH_KEY_FILE meant for another stack is ignored: sshPrivateKey is required", async () => {
    const keyFile = path.join(tempDir("otherkey"), "id");
    fs.writeFileSync(keyFile, SSH_KEY);
    process.env.ETCDHOSTS_SSH_KEY_FILE = keyFile;
    process.env.ETCDHOSTS_SSH_KEY_STACK = "dev";
    try {
        const run = await runProgram(DEV);
        await mocks.settle();
        assert.ok(run.error instanceof pulumi.RunError, String(run.error));
        assert.equal((run.error as Error).message, "invalid etcdhosts configuration:\n  - sshPrivateKey: required; set it with `pulumi config set --secret sshPrivateKey < <key file>`");
        assert.equal(mocks.resources.length, 0);
    } finally {
        delete process.env.ETCDHOSTS_SSH_KEY_FILE;
        delete process.env.ETCDHOSTS_SSH_KEY_STACK;
    }
});

test("invalid configuration (duplicate node name): one error naming the field, before any resource", async () => {
    const nodes = [
        { name: "h1", address: "10.213.0.11" },
        { name: "h1", address: "10.213.0.12" },
        { name: "h3", address: "10.213.0.13" },
    ];
    const run = await runProgram({ ...DEV, nodes }, { sshPrivateKey: SSH_KEY });
    await mocks.settle();
    assert.ok(run.error instanceof pulumi.RunError, String(run.error));
    // The same text the parser's ConfigError carries, without its stack trace.
    let expected: ConfigError | undefined;
    try {
        parseClusterConfig({ ...DEV, nodes, caKeyPem: false });
    } catch (e) {
        expected = e as ConfigError;
    }
    assert.ok(expected instanceof ConfigError);
    assert.equal(expected.problems.length, 1);
    assert.match(expected.problems[0], /^nodes\[1\]\.name: "h1" is already used by nodes\[0\]/);
    assert.equal((run.error as Error).message, expected.message);
    assert.ok((run.error as Error).message.startsWith("invalid etcdhosts configuration (1 problem):\n  - nodes[1].name: "));
    assert.equal(mocks.resources.length, 0);
});

test("dev stack: the systemd cluster on h1..h3, exports, secrets", async () => {
    const expectedWarnings = parseClusterConfig({ ...DEV, caKeyPem: false }).warnings;
    const run = await runProgram(DEV, { sshPrivateKey: SSH_KEY });
    assert.equal(run.error, undefined, String(run.error));
    await mocks.settle();
    assert.deepEqual(run.warnings, expectedWarnings.map((w) => `warning: [runtime] ${w}`));
    const mine = mocks.resources.slice(run.from);

    assert.equal(mocks.named("etcd").type, "etcdhosts:etcd:EtcdCluster");
    assert.deepEqual(mocks.childrenOf("etcd").map((c) => c.name).sort(), [
        "etcd-backups", "etcd-ca", "etcd-clients", "etcd-h1", "etcd-h1-bootstrapped", "etcd-h1-host", "etcd-h1-member", "etcd-h2", "etcd-h2-bootstrapped", "etcd-h2-host",
        "etcd-h2-member", "etcd-h3", "etcd-h3-bootstrapped", "etcd-h3-host", "etcd-h3-member", "etcd-health", "etcd-members", "etcd-token",
    ]);
    // The program reads the membership its previous `up` recorded (none under mocks: a bootstrap).
    assert.equal(mine.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.name).join(), "organization/etcdhosts/test");
    assert.equal(mine.filter((r) => r.type === "etcdhosts:etcd:EtcdCluster").length, 1);
    assert.deepEqual(mine.filter((r) => r.type === "etcdhosts:etcd:EtcdMemberService").map((r) => r.name), ["etcd-h1", "etcd-h2", "etcd-h3"]);
    // Binaries from the directory the environment names, uploaded to every host.
    assert.deepEqual(mine.filter((r) => r.type === "command:remote:CopyToRemote").map((r) => r.name).sort(), [
        "etcd-h1-host-stage-etcd", "etcd-h1-host-stage-etcdctl", "etcd-h2-host-stage-etcd", "etcd-h2-host-stage-etcdctl",
        "etcd-h3-host-stage-etcd", "etcd-h3-host-stage-etcdctl",
    ]);
    // Connections from the inventory and the defaults (root, port 22), key as a secret.
    const start = mocks.named("etcd-h2-start");
    // (dialErrorLimit and perDialTimeout are the command SDK's own defaults.)
    assert.deepEqual({ ...start.inputs.connection, privateKey: undefined }, {
        host: "10.213.0.12", port: 22, user: "root", privateKey: undefined, hostKey: TEST_HOST_KEYS.a, dialErrorLimit: 10, perDialTimeout: 15,
    });
    // Every SSH step of every host pins the host key knownHosts gives for it.
    const remote = mine.filter((r) => r.type.startsWith("command:remote:"));
    assert.ok(remote.length > 30, String(remote.length));
    for (const r of remote) assert.equal(r.inputs.connection.hostKey, TEST_HOST_KEYS.a, r.name);
    // Every step, remote or local, is bounded: customTimeouts for create, update and delete.
    const unbounded = mine
        .filter((r) => r.type.startsWith("command:"))
        .filter((r) => !(r.options.customTimeouts?.create && r.options.customTimeouts.update && r.options.customTimeouts.delete))
        .map((r) => r.name);
    assert.deepEqual(unbounded, []);
    assert.deepEqual(mocks.named("etcd-h1-host-install").options.customTimeouts, { create: "30m", update: "30m", delete: "30m" });
    assert.deepEqual(mocks.named("etcd-h1-host-stage-etcd").options.customTimeouts, { create: "60m", update: "60m", delete: "60m" });
    assert.deepEqual(mocks.named("etcd-h1-roll").options.customTimeouts, { create: "10m", update: "10m", delete: "10m" });
    // Binaries go to a fresh directory of root's state dir, not to a predictable /var/tmp path.
    assert.equal(mocks.named("etcd-h1-host-stage-etcd").inputs.remotePath, "/var/lib/etcdhosts/stage/etcd-h1-host/etcd");
    assert.equal(start.inputs.connection.privateKey, SSH_KEY);
    assert.ok(start.secretPaths.some((p) => p === "connection" || p === "connection.privateKey"));
    // wipeDataOnDestroy is on in the dev stack.
    assert.equal(mocks.named("etcd-h1-host-data-dir").inputs.delete, "sh -c 'set -eu\nrm -rf -- /var/lib/etcd'");

    const out = run.exports!;
    assert.deepEqual(Object.keys(out).sort(), [
        "adminCertPem", "adminKeyPem", "apiserverEtcdClientCertPem", "apiserverEtcdClientKeyPem", "caCertPem", "certificateExpiry", "clientEndpoints",
        "clusterId", "etcdctlEnv", "layout", "memberNames", "members", "membership", "snapshots",
    ]);
    // Snapshots are on by default, each host with the key it pins; under mocks no host is asked for its status.
    assert.deepEqual(await valueOf(out.snapshots), Object.fromEntries([1, 2, 3].map((i) => [`h${i}`, {
        ssh: { host: `10.213.0.1${i}`, port: 22, user: "root", hostKey: TEST_HOST_KEYS.a },
        schedule: "*-*-* 00/6:00:00 UTC",
        status: { result: "unknown", message: "read by pulumi up, not by a preview" },
    }])));
    assert.equal(out.layout, "systemd");
    assert.deepEqual(out.memberNames, ["h1", "h2", "h3"]);
    assert.deepEqual(out.clientEndpoints, ["https://10.213.0.11:2379", "https://10.213.0.12:2379", "https://10.213.0.13:2379"]);
    assert.equal(out.etcdctlEnv, [
        "# Write the files once:",
        // `-s`: npm run pulumi hands the sandbox passphrase only to a stack it is named.
        "#   npm run pulumi -- stack output -s test caCertPem > ca.crt",
        "#   npm run pulumi -- stack output -s test adminCertPem > admin.crt",
        "#   (umask 077; npm run pulumi -- stack output -s test --show-secrets adminKeyPem > admin.key)",
        "export ETCDCTL_ENDPOINTS=https://10.213.0.11:2379,https://10.213.0.12:2379,https://10.213.0.13:2379",
        "export ETCDCTL_CACERT=$PWD/ca.crt ETCDCTL_CERT=$PWD/admin.crt ETCDCTL_KEY=$PWD/admin.key",
    ].join("\n"));
    assert.equal(await valueOf(out.clusterId), "11588568905070377092");
    // What the next `up` reads back: every member by name and peer URL, nothing removed yet.
    assert.deepEqual(await valueOf(out.membership), {
        members: [1, 2, 3].map((i) => ({ name: `h${i}`, peerUrl: `https://10.213.0.1${i}:2380`, address: `10.213.0.1${i}` })),
        removed: [],
    });
    assert.deepEqual((await valueOf(out.members) as { name: string }[]).map((m) => m.name), ["h1", "h2", "h3"]);
    assert.equal(await isSecret(out.adminKeyPem), true);
    assert.equal(await isSecret(out.apiserverEtcdClientKeyPem), true);
    assert.equal(await isSecret(out.caCertPem), false);
    assert.equal(await isSecret(out.adminCertPem), false);
    assert.match(await valueOf(out.adminKeyPem), /FAKE-PRIVATE-KEY etcd-clients-admin-client-key/);

    // No PEM anywhere in the program's command strings; keys only as secrets.
    for (const r of mine.filter((x) => x.type.startsWith("command:"))) {
        const rest = Object.entries(r.inputs).filter(([k]) => k !== "connection" && k !== "stdin");
        assert.doesNotMatch(allStrings(rest).join("\n"), /-----BEGIN|PRIVATE KEY|KEY-MATERIAL/, r.name);
    }
});

test("an even member count deploys, and logs the parser's warning through pulumi.log.warn", async () => {
    // The key from a file this time, as the test bed passes it.
    const keyFile = path.join(tempDir("key"), "id");
    fs.writeFileSync(keyFile, SSH_KEY);
    process.env.ETCDHOSTS_SSH_KEY_FILE = keyFile;
    process.env.ETCDHOSTS_SSH_KEY_STACK = pulumi.getStack();
    const nodes = [1, 2, 3, 4].map((i) => ({ name: `h${i}`, address: `10.213.0.1${i}` }));
    const expected = parseClusterConfig({ ...DEV, nodes, caKeyPem: false }).warnings;
    try {
        const run = await runProgram({ ...DEV, nodes });
        assert.equal(run.error, undefined, String(run.error));
        await mocks.settle();
        assert.equal(expected.filter((w) => w.startsWith("nodes: an even number of members (4)")).length, 1, expected.join("\n"));
        assert.deepEqual(run.warnings, expected.map((w) => `warning: [runtime] ${w}`));
        const mine = mocks.resources.slice(run.from);
        assert.deepEqual(mine.filter((r) => r.type === "etcdhosts:etcd:EtcdMemberService").map((r) => r.name), ["etcd-h1", "etcd-h2", "etcd-h3", "etcd-h4"]);
        assert.deepEqual(run.exports!.memberNames, ["h1", "h2", "h3", "h4"]);
        const start = mine.find((r) => r.name === "etcd-h4-start")!;
        assert.equal(start.inputs.connection.privateKey, SSH_KEY);
        assert.ok(start.secretPaths.some((p) => p === "connection" || p === "connection.privateKey"));
    } finally {
        delete process.env.ETCDHOSTS_SSH_KEY_FILE;
        delete process.env.ETCDHOSTS_SSH_KEY_STACK;
    }
});

test("static-pod and pc-master stacks: each picks its layout; static pod needs no etcd binaries", async () => {
    // Pulumi.yaml defaults installMethod to "binary"; the static-pod layout runs etcd from its
    // image, so an unset ETCDHOSTS_ETCD_DIR_3_6 must not matter there.
    delete process.env.ETCDHOSTS_ETCD_DIR_3_6;
    try {
        const sp = await runProgram(stackValues("static-pod"), { sshPrivateKey: SSH_KEY });
        assert.equal(sp.error, undefined, String(sp.error));
        await mocks.settle();
        const spMine = mocks.resources.slice(sp.from);
        assert.equal(sp.exports!.layout, "static-pod");
        assert.deepEqual(sp.exports!.memberNames, ["master1", "master2", "master3"]);
        assert.deepEqual(spMine.filter((r) => r.type === "etcdhosts:etcd:EtcdMemberService").map((r) => r.name), ["etcd-master1", "etcd-master2", "etcd-master3"]);
        assert.deepEqual(spMine.filter((r) => r.type === "command:remote:CopyToRemote" || r.name.endsWith("-install")), []);

        const pcm = await runProgram(stackValues("pc-master"), { sshPrivateKey: SSH_KEY });
        assert.equal(pcm.error, undefined, String(pcm.error));
        await mocks.settle();
        const pcmMine = mocks.resources.slice(pcm.from);
        assert.equal(pcm.exports!.layout, "pc-master");
        assert.deepEqual(pcm.exports!.clientEndpoints, ["https://192.168.1.105:2379"]);
        assert.deepEqual(pcmMine.filter((r) => r.type === "etcdhosts:etcd:EtcdMemberService").map((r) => r.name), ["etcd-pc-master"]);
        assert.equal(pcmMine.filter((r) => r.name === "etcd-pc-master-host-install").length, 1);
    } finally {
        process.env.ETCDHOSTS_ETCD_DIR_3_6 = BIN_DIR;
    }
});
