// Component tests for HostPreparation. Mocks first, components after.
//
// Plain setMocks can't see parent, dependsOn, URNs, customTimeouts or retainOnDelete; our
// harness reads them from the registration request, so ordering is asserted through recorded
// dependency URNs. Still invisible: the engine's scheduling and diffing, and real hosts (the
// scripts themselves run under the local sh in scripts.test.ts).
import { FAKE_EPOCH, allStrings, commandStrings, setupMocks, valueOf } from "../support/mocks";
import { TEST_HOST_KEYS } from "../unit/helpers";
const mocks = setupMocks((args) => {
    // Every install command "prints" an etcd version, as the real scripts end with `etcd --version`.
    if (args.type === "command:remote:Command" && args.name.endsWith("-install")) {
        return { stdout: "etcd Version: 3.5.17\nGit SHA: fake\nGo Version: go1.22.9" };
    }
    return undefined;
});

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { HostPreparation, HostPreparationArgs } from "../../components/remote/hostPreparation";
import { stagingPath } from "../../components/remote/installStep";
import { DEBIAN_PACKAGE_DATA_DIR, preflightScript } from "../../components/remote/preflight";
import { accountScript, configDirsScript, dataDirScript, removeConfigDirsScript } from "../../components/remote/hostLayout";
import { asRoot } from "../../components/remote/shell";
import { packageInstallScript, tarballInstallScript } from "../../components/remote/install";
import type { RecordedResource } from "../support/mocks";

const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nSSH-KEY-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n";
const CMD = "command:remote:Command";

/** The values the cluster wiring passes (the component itself defaults nothing). */
function base(overrides: Partial<HostPreparationArgs> = {}): HostPreparationArgs {
    return {
        connection: { host: "10.0.0.11", port: 22, user: "root", privateKey: SSH_KEY, hostKey: TEST_HOST_KEYS.a },
        clusterToken: "tok-1",
        install: { method: "package", packages: ["etcd-server", "etcd-client"] },
        dataDir: "/var/lib/etcd",
        configDir: "/etc/etcd",
        pkiDir: "/etc/etcd/pki",
        user: "etcd",
        group: "etcd",
        wipeDataOnDestroy: false,
        clock: { maxBehindSeconds: 30, maxAheadSeconds: 86400 },
        ports: [2379, 2380],
        sshWait: { timeout: "10m", dialErrorLimit: 20, perDialTimeout: 10 },
        timeouts: { step: "7m", install: "25m", transfer: "40m" },
        ...overrides,
    };
}

/** The script inside `[sudo -n ]sh -c '<script>'`, unquoted. */
function scriptOf(command: string): string {
    const m = /^(?:sudo -n )?sh -c '([\s\S]*)'$/.exec(command);
    assert.ok(m, `not an sh -c command: ${command.slice(0, 40)}`);
    return m[1].replace(/'"'"'/g, "'");
}

function deps(r: RecordedResource): string[] {
    return r.options.dependencies.map((urn) => urn.split("::").pop()!);
}

test("package install: exact children, types and order", async () => {
    const host = new HostPreparation("h1", base());
    await mocks.settle();
    assert.equal(mocks.named("h1").type, "etcdhosts:remote:HostPreparation");
    const children = mocks.childrenOf("h1").map((c) => [c.type, c.name]);
    assert.deepEqual(children.sort(), [
        ["command:local:Command", "h1-clock"],
        [CMD, "h1-account"],
        [CMD, "h1-config-dirs"],
        [CMD, "h1-data-dir"],
        [CMD, "h1-install"],
        [CMD, "h1-preflight"],
        [CMD, "h1-wait-ssh"],
    ].sort());
    // Order, as recorded dependencies: wait → clock → preflight → install → account → dirs.
    assert.deepEqual(deps(mocks.named("h1-wait-ssh")), []);
    assert.deepEqual(deps(mocks.named("h1-clock")), ["h1-wait-ssh"]);
    assert.deepEqual(deps(mocks.named("h1-preflight")).sort(), ["h1-clock", "h1-wait-ssh"]);
    assert.deepEqual(deps(mocks.named("h1-install")), ["h1-preflight"]);
    assert.deepEqual(deps(mocks.named("h1-account")), ["h1-install"]);
    assert.deepEqual(deps(mocks.named("h1-config-dirs")).sort(), ["h1-account", "h1-install"]);
    assert.deepEqual(deps(mocks.named("h1-data-dir")).sort(), ["h1-account", "h1-install"]);

    assert.equal(host.etcdBinary, "/usr/bin/etcd");
    assert.equal(host.etcdctlBinary, "/usr/bin/etcdctl");
    assert.equal(host.dataDir, "/var/lib/etcd");
    assert.equal(host.pkiDir, "/etc/etcd/pki");
    assert.equal(await valueOf(host.etcdVersion), "3.5.17");
});

test("wait-ssh: bounded dials, timeout, runs as the login user", async () => {
    await mocks.settle();
    const wait = mocks.named("h1-wait-ssh");
    assert.equal(wait.inputs.connection.dialErrorLimit, 20);
    assert.equal(wait.inputs.connection.perDialTimeout, 10);
    assert.equal(wait.inputs.connection.host, "10.0.0.11");
    assert.deepEqual(wait.options.customTimeouts, { create: "10m", update: "10m", delete: "10m" });
    assert.equal(wait.inputs.create, `sh -c 'set -eu\necho "etcdhosts: ssh ok on $(uname -n)"'`);
    assert.equal(wait.inputs.delete, undefined);
    // Other commands use the provider's default dialing.
    assert.equal(mocks.named("h1-preflight").inputs.connection.dialErrorLimit, 10);
});

test("clock + preflight: runner time on stdin from a local command that re-runs with the preflight", async () => {
    await mocks.settle();
    const clock = mocks.named("h1-clock");
    const preflight = mocks.named("h1-preflight");
    assert.equal(clock.inputs.create, "date -u +%s");
    const expected = asRoot(preflightScript({
        dataDir: "/var/lib/etcd",
        clusterToken: "tok-1",
        ports: [2379, 2380],
        clock: { maxBehindSeconds: 30, maxAheadSeconds: 86400, resourceName: "h1-clock" },
        // The stack installs Debian's package, whose own localhost cluster preflight tolerates.
        packageDataDir: DEBIAN_PACKAGE_DATA_DIR,
    }), "root");
    assert.equal(preflight.inputs.create, expected);
    assert.deepEqual(clock.inputs.triggers, [expected, "10.0.0.11", 22]);
    assert.equal(preflight.inputs.stdin, `${FAKE_EPOCH}\n`);
    assert.equal(preflight.inputs.delete, undefined);
    assert.equal(preflight.inputs.update, undefined);
});

test("layout commands: exact scripts; data dir retained and never rm -rf by default", async () => {
    await mocks.settle();
    assert.equal(mocks.named("h1-account").inputs.create, asRoot(accountScript("etcd", "etcd", "/var/lib/etcd"), "root"));
    assert.equal(mocks.named("h1-account").options.retainOnDelete, true);
    const dirs = mocks.named("h1-config-dirs");
    assert.equal(dirs.inputs.create, asRoot(configDirsScript({ configDir: "/etc/etcd", pkiDir: "/etc/etcd/pki", user: "etcd", group: "etcd" }), "root"));
    assert.equal(dirs.inputs.delete, asRoot(removeConfigDirsScript({ configDir: "/etc/etcd", pkiDir: "/etc/etcd/pki" }), "root"));
    assert.equal(dirs.options.deleteBeforeReplace, true);
    const data = mocks.named("h1-data-dir");
    assert.equal(data.inputs.create, asRoot(dataDirScript({ dataDir: "/var/lib/etcd", user: "etcd", group: "etcd", clusterToken: "tok-1" }), "root"));
    assert.equal(data.inputs.delete, undefined);
    assert.equal(data.options.retainOnDelete, true);
    for (const r of mocks.childrenOf("h1")) {
        for (const s of commandStrings(r)) assert.doesNotMatch(s, /rm -rf/, r.name);
    }
    assert.equal(mocks.named("h1-install").inputs.create, asRoot(packageInstallScript(["etcd-server", "etcd-client"], "/var/lib/etcd"), "root"));
    // Distro packages are not ours to remove.
    assert.equal(mocks.named("h1-install").inputs.delete, undefined);
});

test("wipeDataOnDestroy: the data dir gets an rm -rf delete and is no longer retained", async () => {
    new HostPreparation("hwipe", base({ wipeDataOnDestroy: true, dataDir: "/data/etcd" }));
    await mocks.settle();
    const data = mocks.named("hwipe-data-dir");
    assert.equal(data.inputs.delete, "sh -c 'set -eu\nrm -rf -- /data/etcd'");
    assert.equal(data.options.retainOnDelete, false);
    assert.equal(data.options.deleteBeforeReplace, true);
});

test("sudo -n only for non-root users; the wait step checks sudo without using it", async () => {
    new HostPreparation("hdeploy", base({ connection: { host: "10.0.0.12", port: 22, user: "deploy", hostKey: TEST_HOST_KEYS.a } }));
    await mocks.settle();
    const wait = mocks.named("hdeploy-wait-ssh");
    assert.ok(wait.inputs.create.startsWith("sh -c 'set -eu\nsudo -n true 2>/dev/null || {"));
    for (const r of mocks.childrenOf("hdeploy").filter((c) => c.type === CMD && c.name !== "hdeploy-wait-ssh")) {
        for (const s of commandStrings(r)) assert.ok(s.startsWith("sudo -n sh -c '"), `${r.name}: ${s.slice(0, 30)}`);
    }
    for (const r of mocks.childrenOf("h1").filter((c) => c.type === CMD)) {
        for (const s of commandStrings(r)) assert.doesNotMatch(s, /sudo/, r.name);
    }
});

test("user root (static-pod layout): no account step, dirs owned by root", async () => {
    const host = new HostPreparation("hroot", base({ user: "root", group: "root", pkiDir: "/etc/kubernetes/pki/etcd" }));
    await mocks.settle();
    assert.deepEqual(mocks.childrenOf("hroot").map((c) => c.name).sort(), [
        "hroot-clock", "hroot-config-dirs", "hroot-data-dir", "hroot-install", "hroot-preflight", "hroot-wait-ssh",
    ]);
    assert.deepEqual(deps(mocks.named("hroot-data-dir")), ["hroot-install"]);
    assert.match(mocks.named("hroot-config-dirs").inputs.create, /chown -h root:root \/etc\/kubernetes\/pki\/etcd\nchmod 0750/);
    assert.match(mocks.named("hroot-data-dir").inputs.create, /\nchown root:root "\$data_dir"\n/);
    // Root's own data dir: no account to act as.
    assert.doesNotMatch(mocks.named("hroot-data-dir").inputs.create, /setpriv/);
    assert.equal(host.group, "root");
});

test("binary install: uploads with CopyToRemote, hash in the install script and triggers", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-bin-"));
    fs.writeFileSync(path.join(dir, "etcd"), "fake etcd v1");
    fs.writeFileSync(path.join(dir, "etcdctl"), "fake etcdctl v1");
    const sha = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

    const host = new HostPreparation("hbin", base({ install: { method: "binary", localDir: dir, installDir: "/usr/local/bin" } }));
    await mocks.settle();
    fs.rmSync(dir, { recursive: true, force: true });

    const stages = mocks.childrenOf("hbin").filter((c) => c.type === "command:remote:CopyToRemote");
    assert.deepEqual(stages.map((s) => s.name).sort(), ["hbin-stage-etcd", "hbin-stage-etcdctl"]);
    for (const [binary, content] of [["etcd", "fake etcd v1"], ["etcdctl", "fake etcdctl v1"]]) {
        const stage = mocks.named(`hbin-stage-${binary}`);
        assert.ok(stage.inputs.source instanceof pulumi.asset.FileAsset);
        assert.equal(await stage.inputs.source.path, path.join(dir, binary));
        assert.equal(stage.inputs.remotePath, `/var/lib/etcdhosts/stage/hbin/${binary}`);
        assert.equal(stage.inputs.remotePath, stagingPath("hbin", binary));
        assert.deepEqual(stage.inputs.triggers, [sha(content)]);
        // Nothing touches the host before preflight passed; the upload waits for its fresh dir.
        assert.deepEqual(deps(stage), ["hbin-preflight", "hbin-stage-dir"]);
    }
    const install = mocks.named("hbin-install");
    assert.match(install.inputs.create, new RegExp(`\nput /var/lib/etcdhosts/stage/hbin/etcd /usr/local/bin/etcd /usr/local/bin/\\.tmp\\.etcd ${sha("fake etcd v1")}\n`));
    assert.match(install.inputs.create, new RegExp(`\nput /var/lib/etcdhosts/stage/hbin/etcdctl /usr/local/bin/etcdctl /usr/local/bin/\\.tmp\\.etcdctl ${sha("fake etcdctl v1")}\n`));
    assert.match(install.inputs.create, /sha256 mismatch for \$2: expected \$4, got \$actual/);
    assert.equal(install.inputs.delete, "sh -c 'set -eu\nrm -f -- /usr/local/bin/etcd /usr/local/bin/.tmp.etcd /usr/local/bin/etcdctl /usr/local/bin/.tmp.etcdctl /usr/local/bin/etcdutl /usr/local/bin/.tmp.etcdutl /var/lib/etcdhosts/stage/hbin/etcd /var/lib/etcdhosts/stage/hbin/etcdctl'");
    // The uploads land in a directory of the login user's alone, in root's state dir, not in /var/tmp.
    const stageDir = mocks.named("hbin-stage-dir");
    assert.equal(stageDir.inputs.create, "sh -c 'set -eu\numask 022\ninstall -d -m 0755 -o root -g root /var/lib/etcdhosts /var/lib/etcdhosts/stage\nif [ -L /var/lib/etcdhosts/stage/hbin ]; then rm -f -- /var/lib/etcdhosts/stage/hbin; fi\ninstall -d -m 0700 -o root /var/lib/etcdhosts/stage/hbin'");
    assert.equal(stageDir.inputs.delete, "sh -c 'rm -rf -- /var/lib/etcdhosts/stage/hbin'");
    assert.equal(install.options.deleteBeforeReplace, true);
    assert.deepEqual(deps(install).sort(), ["hbin-preflight", "hbin-stage-etcd", "hbin-stage-etcdctl"]);
    assert.equal(host.etcdBinary, "/usr/local/bin/etcd");
});

test("binary install: a missing local binary fails at construction with a clear message", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-nobin-"));
    fs.writeFileSync(path.join(dir, "etcd"), "only etcd");
    try {
        assert.throws(
            () => new HostPreparation("hnobin", base({ install: { method: "binary", localDir: dir, installDir: "/usr/local/bin" } })),
            (e: unknown) => e instanceof pulumi.ResourceError
                && e.message === `HostPreparation hnobin: install.localDir has no readable etcdctl (ENOENT for ${path.join(dir, "etcdctl")})`,
        );
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test("tarball install: fetched on the host, sha256 verified, removed on destroy", async () => {
    const sha = "c".repeat(64);
    const install = { method: "tarball" as const, url: "https://mirror.internal/etcd-v3.5.17-linux-amd64.tar.gz", sha256: sha, version: "3.5.17", installDir: "/usr/local/bin" };
    new HostPreparation("htar", base({ install }));
    await mocks.settle();
    const cmd = mocks.named("htar-install");
    assert.equal(cmd.inputs.create, asRoot(tarballInstallScript(install), "root"));
    assert.match(cmd.inputs.create, /sha256sum "\$work\/etcd\.tar\.gz"/);
    assert.match(cmd.inputs.create, new RegExp(`want_sha=${sha}\n`));
    assert.match(cmd.inputs.create, /fail "sha256 mismatch for \$url: expected \$want_sha, got \$actual"/);
    assert.equal(cmd.inputs.delete, "sh -c 'set -eu\nrm -f -- /usr/local/bin/etcd /usr/local/bin/.tmp.etcd /usr/local/bin/etcdctl /usr/local/bin/.tmp.etcdctl /usr/local/bin/etcdutl /usr/local/bin/.tmp.etcdutl'");
    assert.deepEqual(mocks.childrenOf("htar").filter((c) => c.type === "command:remote:CopyToRemote"), []);
});

test("preinstalled: only a check, no delete", async () => {
    const host = new HostPreparation("hpre", base({ install: { method: "preinstalled", etcdPath: "/opt/etcd/etcd", etcdctlPath: "/opt/etcd/etcdctl", version: "3.5.17" } }));
    await mocks.settle();
    const cmd = mocks.named("hpre-install");
    assert.match(cmd.inputs.create, /\netcd=\/opt\/etcd\/etcd\n/);
    assert.match(cmd.inputs.create, /\[ -x "\$etcd" \] \|\| fail "etcd is not installed at \$etcd/);
    assert.match(cmd.inputs.create, /\nwant=3\.5\.17\n\[ "\$got" = "\$want" \] \|\| fail/);
    assert.equal(cmd.inputs.delete, undefined);
    assert.equal(host.etcdctlBinary, "/opt/etcd/etcdctl");
});

test("install method none (static pod from an image): no install step, empty paths and version", async () => {
    const host = new HostPreparation("hnone", base({ install: { method: "none" }, user: "root", group: "root", pkiDir: "/etc/kubernetes/pki/etcd" }));
    await mocks.settle();
    assert.deepEqual(mocks.childrenOf("hnone").map((c) => c.name).sort(), [
        "hnone-clock", "hnone-config-dirs", "hnone-data-dir", "hnone-preflight", "hnone-wait-ssh",
    ]);
    assert.deepEqual(deps(mocks.named("hnone-config-dirs")), ["hnone-preflight"]);
    assert.equal(host.etcdBinary, "");
    assert.equal(host.etcdctlBinary, "");
    assert.equal(await valueOf(host.etcdVersion), "");
});

test("custom thresholds, ports and dirs reach the preflight", async () => {
    new HostPreparation("hcustom", base({
        clock: { maxBehindSeconds: 5, maxAheadSeconds: 600 },
        ports: [12379, 12380],
        dataDir: "/srv/etcd/data",
        sshWait: { timeout: "2m", dialErrorLimit: 5, perDialTimeout: 3 },
    }));
    await mocks.settle();
    const pf = scriptOf(mocks.named("hcustom-preflight").inputs.create);
    assert.match(pf, /-gt 5 \]; then fail "this host's clock is \$\(\(runner - now\)\)s behind the machine running Pulumi \(limit 5s\)/);
    assert.match(pf, /-gt 600 \]; then fail/);
    assert.match(pf, /\nfor port in 12379 12380; do\n/);
    assert.match(pf, /\ndata_dir=\/srv\/etcd\/data\n/);
    const wait = mocks.named("hcustom-wait-ssh");
    assert.deepEqual(wait.options.customTimeouts, { create: "2m", update: "2m", delete: "2m" });
    assert.equal(wait.inputs.connection.dialErrorLimit, 5);
    assert.equal(wait.inputs.connection.perDialTimeout, 3);
});

test("an Output cluster token is rendered into preflight and data-dir scripts", async () => {
    new HostPreparation("htoken", base({ clusterToken: pulumi.output("gen-7f3a") }));
    await mocks.settle();
    assert.match(mocks.named("htoken-preflight").inputs.create, /\ntoken=gen-7f3a\n/);
    assert.match(scriptOf(mocks.named("htoken-data-dir").inputs.create), /\ntoken=gen-7f3a\n/);
});

test("no secret in any command string; the SSH key only inside connection", async () => {
    await mocks.settle();
    for (const r of mocks.resources) {
        for (const s of commandStrings(r)) assert.doesNotMatch(s, /-----BEGIN|KEY-MATERIAL/, r.name);
        const { connection: _c, ...rest } = r.inputs;
        for (const s of allStrings(rest)) assert.doesNotMatch(s, /KEY-MATERIAL/, r.name);
        if (r.inputs.connection?.privateKey !== undefined) {
            assert.ok(r.secretPaths.some((p) => p.startsWith("connection")), `${r.name}: ${r.secretPaths}`);
        }
    }
});

test("clock undefined (maxClockSkewSeconds 0): no clock command, no clock lines, nothing on stdin", async () => {
    // Before issue 13 the component filled in a 30 s limit when none was given, so "no check"
    // could not be expressed at all.
    new HostPreparation("hnoclock", base({ clock: undefined }));
    await mocks.settle();
    assert.deepEqual(mocks.childrenOf("hnoclock").map((c) => c.name).sort(), [
        "hnoclock-account", "hnoclock-config-dirs", "hnoclock-data-dir", "hnoclock-install", "hnoclock-preflight", "hnoclock-wait-ssh",
    ]);
    const preflight = mocks.named("hnoclock-preflight");
    assert.equal(preflight.inputs.create, asRoot(preflightScript({
        dataDir: "/var/lib/etcd",
        clusterToken: "tok-1",
        ports: [2379, 2380],
        clock: undefined,
        packageDataDir: DEBIAN_PACKAGE_DATA_DIR,
    }), "root"));
    const script = scriptOf(preflight.inputs.create);
    assert.doesNotMatch(script, /clock|runner|read -r|date -u/);
    assert.equal(preflight.inputs.stdin, undefined);
    // Straight after the SSH wait.
    assert.deepEqual(deps(preflight), ["hnoclock-wait-ssh"]);
    assert.deepEqual(deps(mocks.named("hnoclock-install")), ["hnoclock-preflight"]);
});

test("an SSH user the config accepts but useradd would not (Admin) works: sudo -n on every root step", async () => {
    // Before issue 13 this threw in the component ("connection.user must be a user/group name
    // ..."), after parseClusterConfig had accepted sshUser "Admin".
    const host = new HostPreparation("hadmin", base({ connection: { host: "10.0.0.15", port: 22, user: "Admin", privateKey: SSH_KEY, hostKey: TEST_HOST_KEYS.a } }));
    await mocks.settle();
    assert.ok(host instanceof HostPreparation);
    const wait = mocks.named("hadmin-wait-ssh");
    assert.equal(wait.inputs.connection.user, "Admin");
    assert.match(scriptOf(wait.inputs.create), /^set -eu\nsudo -n true 2>\/dev\/null \|\| \{ printf 'etcdhosts: user %s on .* Admin "\$\(uname -n\)"/);
    const rootSteps = mocks.childrenOf("hadmin").filter((c) => c.type === CMD && c.name !== "hadmin-wait-ssh");
    assert.deepEqual(rootSteps.map((c) => c.name).sort(), ["hadmin-account", "hadmin-config-dirs", "hadmin-data-dir", "hadmin-install", "hadmin-preflight"]);
    for (const r of rootSteps) {
        for (const s of commandStrings(r)) assert.ok(s.startsWith("sudo -n sh -c '"), `${r.name}: ${s.slice(0, 30)}`);
    }
});
