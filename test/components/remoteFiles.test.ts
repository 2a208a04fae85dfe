// Component tests for RemoteFiles. Mocks first, components after.
//
// Plain setMocks sees only type, name and inputs; parent, dependsOn, additionalSecretOutputs,
// deleteBeforeReplace and replaceOnChanges come from our harness's view of the registration
// request. What no mock shows: whether the engine really replaces on a `delete` change, and
// whether the script works on a real host (shell.test.ts runs it under the local sh).
import { allStrings, commandStrings, isSecret, setupMocks, valueOf } from "../support/mocks";
import { TEST_HOST_KEYS } from "../unit/helpers";
const mocks = setupMocks();

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { RemoteFiles } from "../../components/remote/remoteFiles";
import { asRoot, decodeFileBundle, removeFilesScript, writeFilesScript } from "../../components/remote/shell";

const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nSSH-KEY-MATERIAL-XYZ\n-----END OPENSSH PRIVATE KEY-----\n";
const TLS_KEY = "-----BEGIN PRIVATE KEY-----\nTLS-KEY-MATERIAL-123\n-----END PRIVATE KEY-----\n";
const CERT = "-----BEGIN CERTIFICATE-----\nCERT-MATERIAL\n-----END CERTIFICATE-----\n";

const FILES = [
    { path: "/etc/etcd/pki/ca.crt", content: CERT, mode: "0644", owner: "root", group: "root" },
    { path: "/etc/etcd/pki/server.key", content: pulumi.secret(TLS_KEY), mode: "0600", owner: "etcd", group: "etcd" },
];

test("one writer command with exact scripts; root runs without sudo", async () => {
    new RemoteFiles("files-root", { connection: { host: "10.0.0.11", port: 22, user: "root", privateKey: SSH_KEY, hostKey: TEST_HOST_KEYS.a }, files: FILES, switching: "each", timeout: "10m" });
    await mocks.settle();
    assert.equal(mocks.named("files-root").type, "etcdhosts:remote:RemoteFiles");
    const children = mocks.childrenOf("files-root");
    assert.deepEqual(children.map((c) => [c.type, c.name]), [["command:remote:Command", "files-root-write"]]);
    const cmd = children[0];
    const targets = [
        { path: "/etc/etcd/pki/ca.crt", mode: "0644", owner: "root", group: "root" },
        { path: "/etc/etcd/pki/server.key", mode: "0600", owner: "etcd", group: "etcd" },
    ];
    assert.equal(cmd.inputs.create, asRoot(writeFilesScript(targets), "root"));
    assert.equal(cmd.inputs.update, cmd.inputs.create);
    assert.equal(cmd.inputs.delete, asRoot(removeFilesScript(["/etc/etcd/pki/ca.crt", "/etc/etcd/pki/server.key"]), "root"));
    assert.ok(cmd.inputs.create.startsWith("sh -c 'set -eu\n"));
    assert.equal(cmd.inputs.delete, "sh -c 'set -eu\nrm -f -- /etc/etcd/pki/ca.crt /etc/etcd/pki/.tmp.ca.crt /etc/etcd/pki/server.key /etc/etcd/pki/.tmp.server.key'");
    for (const s of commandStrings(cmd)) assert.doesNotMatch(s, /sudo/);
    // Mode, owner and group of each file, and the atomic rename, are in the script.
    assert.match(cmd.inputs.create, /\nstage 1 \/etc\/etcd\/pki\/ca\.crt \/etc\/etcd\/pki\/\.tmp\.ca\.crt 0644 root root\n/);
    assert.match(cmd.inputs.create, /\nstage 2 \/etc\/etcd\/pki\/server\.key \/etc\/etcd\/pki\/\.tmp\.server\.key 0600 etcd etcd\n/);
    assert.match(cmd.inputs.create, /\nmv -f -- \/etc\/etcd\/pki\/\.tmp\.server\.key \/etc\/etcd\/pki\/server\.key'$/);
});

test("secret hygiene: content only on stdin, stdin secret, logging none, stdout/stderr secret", async () => {
    await mocks.settle();
    const cmd = mocks.named("files-root-write");
    assert.equal(cmd.inputs.logging, "none");
    assert.equal(cmd.inputs.addPreviousOutputInEnv, false);
    assert.ok(cmd.options.additionalSecretOutputs.includes("stdout"));
    assert.ok(cmd.options.additionalSecretOutputs.includes("stderr"));
    assert.ok(cmd.secretPaths.includes("stdin"), `secret paths: ${cmd.secretPaths}`);
    assert.deepEqual(decodeFileBundle(cmd.inputs.stdin), [CERT, TLS_KEY]);
    // Nothing but stdin and the (secret) connection holds key material or PEM headers.
    for (const s of commandStrings(cmd)) {
        assert.doesNotMatch(s, /-----BEGIN|KEY-MATERIAL|CERT-MATERIAL/);
    }
    const { stdin: _stdin, connection: _connection, ...rest } = cmd.inputs;
    assert.doesNotMatch(JSON.stringify(rest), /-----BEGIN|KEY-MATERIAL/);
    assert.equal(cmd.inputs.environment, undefined);
    // The SSH key is a secret inside the connection.
    assert.ok(cmd.secretPaths.some((p) => p === "connection" || p === "connection.privateKey"), `secret paths: ${cmd.secretPaths}`);
    assert.equal(cmd.inputs.connection.privateKey, SSH_KEY);
});

test("stdin stays secret when every content is plain", async () => {
    const files = new RemoteFiles("files-plain", {
        connection: { host: "10.0.0.12", port: 22, user: "root", hostKey: TEST_HOST_KEYS.a },
        files: [{ path: "/etc/etcd/etcd.conf.yml", content: "name: etcd-2\n", mode: "0644", owner: "root", group: "root" }],
        switching: "each", timeout: "10m",
    });
    await mocks.settle();
    const cmd = mocks.named("files-plain-write");
    assert.ok(cmd.secretPaths.includes("stdin"));
    assert.equal(await isSecret(files.contentHash), true);
    const bundle = "--- 1\n" + Buffer.from("name: etcd-2\n").toString("base64") + "\n--- end\n";
    assert.equal(await valueOf(files.contentHash), crypto.createHash("sha256").update(bundle).digest("hex"));
    assert.deepEqual(files.paths, ["/etc/etcd/etcd.conf.yml"]);
});

test("fixed paths: deleteBeforeReplace, replace only when the set of paths (delete) changes", async () => {
    await mocks.settle();
    const cmd = mocks.named("files-root-write");
    assert.equal(cmd.options.deleteBeforeReplace, true);
    // `triggers[*]` is added by @pulumi/command itself.
    assert.deepEqual([...cmd.options.replaceOnChanges].sort(), ["delete", "triggers[*]"]);
    assert.equal(cmd.options.parent, mocks.named("files-root").urn);
});

test("sudo -n for a non-root user, on create, update and delete", async () => {
    new RemoteFiles("files-deploy", { connection: { host: "10.0.0.13", port: 22, user: "deploy", hostKey: TEST_HOST_KEYS.a }, files: FILES, switching: "each", timeout: "10m" });
    await mocks.settle();
    const cmd = mocks.named("files-deploy-write");
    for (const s of commandStrings(cmd)) assert.ok(s.startsWith("sudo -n sh -c '"), s.slice(0, 40));
    assert.equal(cmd.inputs.connection.user, "deploy");
});

test("dependsOn on the component reaches the writer", async () => {
    const connection = { host: "10.0.0.14", port: 22, user: "root", hostKey: TEST_HOST_KEYS.a };
    const prep = new RemoteFiles("files-first", { connection, files: [{ path: "/etc/a", content: "a", mode: "0600", owner: "root", group: "root" }], switching: "each", timeout: "10m" });
    new RemoteFiles("files-second", { connection, files: [{ path: "/etc/b", content: "b", mode: "0600", owner: "root", group: "root" }], switching: "each", timeout: "10m" }, { dependsOn: [prep] });
    await mocks.settle();
    assert.ok(mocks.named("files-second-write").options.dependencies.includes(mocks.named("files-first-write").urn));
});

test("no secret anywhere but stdin and connection, across every recorded resource", async () => {
    await mocks.settle();
    for (const r of mocks.resources) {
        const { stdin: _s, connection: _c, ...rest } = r.inputs;
        for (const s of allStrings(rest)) assert.doesNotMatch(s, /KEY-MATERIAL/, r.name);
    }
});

test("an SSH user the config accepts but useradd would not (Admin): constructs, writes through sudo -n", async () => {
    // Before issue 13 this threw in the component ("connection.user must be a user/group name
    // ..."), after parseClusterConfig had accepted sshUser "Admin".
    new RemoteFiles("files-admin", { connection: { host: "10.0.0.15", port: 22, user: "Admin", privateKey: SSH_KEY, hostKey: TEST_HOST_KEYS.a }, files: FILES, switching: "each", timeout: "10m" });
    await mocks.settle();
    const cmd = mocks.named("files-admin-write");
    assert.equal(cmd.inputs.connection.user, "Admin");
    for (const s of commandStrings(cmd)) assert.ok(s.startsWith("sudo -n sh -c '"), s.slice(0, 40));
});
