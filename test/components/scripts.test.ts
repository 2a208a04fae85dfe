// Unit tests of the pure script builders behind HostPreparation (preflight.ts, install.ts,
// hostLayout.ts): exact text, and execution under the local POSIX sh inside temp dirs.
// Execution covers the logic (clock, data dir, ports, checksum); it can't cover what only a
// real host has (systemd, apt, useradd, sudo).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as child_process from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { CLUSTER_MARKER_FILE, DEBIAN_PACKAGE_DATA_DIR, PreflightSpec, packageLocalClusterFunction, preflightScript, waitForSshScript } from "../../components/remote/preflight";
import {
    binaryInstallScript,
    binaryPaths,
    packageInstallScript,
    parseEtcdVersion,
    preinstalledCheckScript,
    removeBinariesScript,
    tarballInstallScript,
} from "../../components/remote/install";
import {
    accountScript,
    configDirsScript,
    dataDirScript,
    removeConfigDirsScript,
    validateDataDir,
    wipeDataDirScript,
} from "../../components/remote/hostLayout";
import { currentAccount, hasTools, isRoot, modeOf, runSh, tempDir } from "./support/sh";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);

const PREFLIGHT: PreflightSpec = {
    dataDir: "/var/lib/etcd",
    clusterToken: "tok-1",
    ports: [2379, 2380],
    clock: { maxBehindSeconds: 30, maxAheadSeconds: 86400, resourceName: "h-clock" },
};

test("waitForSshScript: exact text; sudo -n check only for non-root users", () => {
    assert.equal(waitForSshScript("root"), `set -eu\necho "etcdhosts: ssh ok on $(uname -n)"`);
    assert.equal(waitForSshScript("deploy"), [
        "set -eu",
        // The user name reaches the shell single-quoted, as printf's argument, never inside the message.
        `sudo -n true 2>/dev/null || { printf 'etcdhosts: user %s on %s can'"'"'t run sudo without a password (sudo -n): add a NOPASSWD sudoers rule or connect as root\\n' deploy "$(uname -n)" >&2; exit 1; }`,
        `echo "etcdhosts: ssh ok on $(uname -n)"`,
    ].join("\n"));
});

test("preflightScript: exact text", () => {
    assert.deepEqual(preflightScript(PREFLIGHT).split("\n"), [
        "set -eu",
        `fail() { printf 'etcdhosts preflight failed on %s: %s\\n' "$(uname -n)" "$*" >&2; exit 1; }`,
        "",
        "# Clock: the runner's epoch seconds arrive on stdin.",
        "runner=''",
        `IFS= read -r runner || [ -n "$runner" ] || fail "the Pulumi runner's clock (epoch seconds) is missing on stdin"`,
        `case "$runner" in ''|*[!0-9]*) fail "expected the Pulumi runner's clock as epoch seconds on stdin, got '$runner'" ;; esac`,
        "now=$(date -u +%s)",
        `if [ $((runner - now)) -gt 30 ]; then fail "this host's clock is $((runner - now))s behind the machine running Pulumi (limit 30s): certificates issued now would be rejected here as not yet valid. Sync the clock (chrony or systemd-timesyncd; check with: timedatectl show -p NTPSynchronized) and retry."; fi`,
        `if [ $((now - runner)) -gt 86400 ]; then fail "this host's clock is $((now - runner))s ahead of the machine running Pulumi (limit 86400s): certificates would expire early here. Sync the clock and retry. If an earlier preflight of this host failed, the recorded runner time may be stale instead: pulumi up --replace the h-clock resource."; fi`,
        "",
        "# Data dir: empty (lost+found aside), or marked with this cluster's token.",
        "data_dir=/var/lib/etcd",
        "marker=/var/lib/etcd/.etcdhosts-cluster-token",
        "token=tok-1",
        `if [ -e "$data_dir" ] && [ ! -d "$data_dir" ]; then fail "data dir $data_dir exists but is not a directory"; fi`,
        `if [ -d "$data_dir" ]; then`,
        `  if [ -f "$marker" ]; then`,
        `    found=$(setpriv --reuid="$(stat -c %u "$data_dir")" --regid="$(stat -c %g "$data_dir")" --clear-groups -- head -n 1 -- "$marker" 2>/dev/null || true)`,
        `    [ "$found" = "$token" ] || fail "data dir $data_dir belongs to another etcd cluster: its marker $marker holds token '$found', this cluster's token is '$token'. It is never wiped automatically: check it, then move it aside or remove it by hand."`,
        `  elif [ -d "$data_dir/member" ]; then`,
        `    fail "data dir $data_dir holds etcd data (member/) but not this cluster's marker $marker: it belongs to another or an older cluster. It is never wiped automatically: back it up, then move it aside or remove it by hand."`,
        "  else",
        `    others=$(ls -A "$data_dir" | grep -v -x -F -e lost+found | head -n 5 | tr '\\n' ' ')`,
        `    [ -z "$others" ] || fail "data dir $data_dir is not empty and has no marker $marker (found: $others). Refusing to use it: empty it or choose another data dir."`,
        "  fi",
        "fi",
        "",
        "# Ports: free, or held by etcd itself (a re-run against a live member).",
        `ss -Hltn >/dev/null 2>&1 || fail "ss (iproute2) is needed to check ports 2379 2380"`,
        "for port in 2379 2380; do",
        `  foreign=$(ss -Hltnp "sport = :$port" | grep -v -F '(("etcd",' || true)`,
        `  [ -z "$foreign" ] || fail "port $port is already in use by another process: $foreign"`,
        "done",
        `echo "etcdhosts: preflight ok"`,
    ]);
    // Read-only: nothing in it writes, removes or changes anything.
    assert.doesNotMatch(preflightScript(PREFLIGHT), /\b(rm|mv|mkdir|chown|chmod|install|useradd|tee|touch)\b|>\s*(?!&|\/dev\/null)/);
});

test("preflightScript without a clock check: the same script minus the clock lines", () => {
    const withClock = preflightScript(PREFLIGHT).split("\n");
    const clockStart = withClock.indexOf("# Clock: the runner's epoch seconds arrive on stdin.") - 1;
    const clockEnd = withClock.findIndex((l) => l.includes("ahead of the machine running Pulumi")) + 1;
    const expected = [...withClock.slice(0, clockStart), ...withClock.slice(clockEnd)];
    assert.deepEqual(preflightScript({ ...PREFLIGHT, clock: undefined }).split("\n"), expected);
    assert.doesNotMatch(preflightScript({ ...PREFLIGHT, clock: undefined }), /runner|read -r|date -u/);
});

// ---- preflight, executed ------------------------------------------------------------------

const canPreflight = hasTools("sh", "ss", "date", "uname", "grep", "head", "tr");

/** Two TCP ports free right now. */
async function freePorts(): Promise<[number, number]> {
    const open = () => new Promise<net.Server>((resolve) => {
        const s = net.createServer();
        s.listen(0, "127.0.0.1", () => resolve(s));
    });
    const a = await open();
    const b = await open();
    const ports: [number, number] = [(a.address() as net.AddressInfo).port, (b.address() as net.AddressInfo).port];
    await Promise.all([a, b].map((s) => new Promise((r) => s.close(r))));
    return ports;
}

function preflightIn(dataDir: string, ports: readonly number[], token = "tok-1"): string {
    return preflightScript({ ...PREFLIGHT, dataDir, ports, clusterToken: token });
}

const now = () => Math.floor(Date.now() / 1000);
const host = child_process.spawnSync("uname", ["-n"], { encoding: "utf8" }).stdout.trim();

test("preflight runs: clock within limits passes; behind, ahead and garbage fail with clear messages", { skip: !canPreflight && "missing tools" }, async () => {
    const dir = tempDir("pf-clock");
    const ports = await freePorts();
    const script = preflightIn(path.join(dir, "data"), ports);

    let r = runSh(script, `${now()}\n`);
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    assert.equal(r.stdout, "etcdhosts: preflight ok\n");
    // The runner's stamp arrives without a trailing newline when stdout was trimmed.
    assert.equal(runSh(script, `${now()}`).status, 0);

    r = runSh(script, `${now() + 120}\n`);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`^etcdhosts preflight failed on ${host}: this host's clock is 1[12][0-9]s behind the machine running Pulumi \\(limit 30s\\): certificates issued now would be rejected here as not yet valid\\.`));

    r = runSh(script, `${now() - 3 * 86400}\n`);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /this host's clock is 2592\d\ds ahead of the machine running Pulumi \(limit 86400s\).*pulumi up --replace the h-clock resource\.\n$/);

    r = runSh(script, "yesterday\n");
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `etcdhosts preflight failed on ${host}: expected the Pulumi runner's clock as epoch seconds on stdin, got 'yesterday'\n`);

    r = runSh(script, "");
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `etcdhosts preflight failed on ${host}: the Pulumi runner's clock (epoch seconds) is missing on stdin\n`);
});

test("preflight runs without a clock check: reads nothing from stdin", { skip: !canPreflight && "missing tools" }, async () => {
    const ports = await freePorts();
    const script = preflightScript({ ...PREFLIGHT, dataDir: path.join(tempDir("pf-noclock"), "data"), ports, clock: undefined });
    const r = runSh(script, "");
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    assert.equal(r.stdout, "etcdhosts: preflight ok\n");
});

test("preflight runs: the etcd package's own localhost cluster is tolerated, any other data in default/ refused", { skip: !canPreflight && "missing tools" }, async () => {
    const ports = await freePorts();
    const stamp = `${now()}\n`;
    const base = tempDir("pf-pkg");
    // A data dir laid out like Debian's: <dataDir>/default/member/{wal,snap}, with the peer URLs
    // etcd records in its WAL (JSON inside the binary entries).
    const withPackageData = (name: string, peerUrls: string[], extra?: string): string => {
        const dataDir = path.join(base, name);
        fs.mkdirSync(path.join(dataDir, "default", "member", "wal"), { recursive: true });
        fs.mkdirSync(path.join(dataDir, "default", "member", "snap"), { recursive: true });
        const entry = JSON.stringify({ name: "h", peerURLs: peerUrls, clientURLs: ["http://localhost:2379"] });
        fs.writeFileSync(path.join(dataDir, "default", "member", "wal", "0000000000000000-0000000000000000.wal"), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(entry), Buffer.from([0])]));
        if (extra !== undefined) fs.writeFileSync(path.join(dataDir, "default", extra), "x");
        return dataDir;
    };
    const run = (dataDir: string) => runSh(preflightScript({ ...PREFLIGHT, dataDir, ports, packageDataDir: path.join(dataDir, "default") }), stamp);

    const local = withPackageData("local", ["http://localhost:2380"]);
    let r = run(local);
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    assert.match(r.stdout, /holds only the etcd package's own localhost cluster; the install step moves it aside/);

    const foreign = withPackageData("foreign", ["https://10.0.0.12:2380"]);
    r = run(foreign);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /holds .*\/default, which is not only the etcd package's own localhost cluster .*never wiped automatically/);
    assert.ok(fs.existsSync(path.join(foreign, "default", "member", "wal")), "never wiped");

    r = run(withPackageData("extra", ["http://localhost:2380"], "notes.txt"));
    assert.equal(r.status, 1, "more than member/ in default/ is not the package's own data");

    // Without packageDataDir, default/ is just content that is not ours.
    r = runSh(preflightIn(local, ports), stamp);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is not empty and has no marker .*\(found: default \)/);
    assert.equal(DEBIAN_PACKAGE_DATA_DIR, "/var/lib/etcd/default");
});

test("preflight runs: data dir states", { skip: !canPreflight && "missing tools" }, async () => {
    const ports = await freePorts();
    const stamp = `${now()}\n`;
    const run = (dataDir: string, token?: string) => runSh(preflightIn(dataDir, ports, token), stamp);

    // Missing, empty, or only lost+found: fine.
    const base = tempDir("pf-data");
    assert.equal(run(path.join(base, "missing")).status, 0);
    const empty = path.join(base, "empty");
    fs.mkdirSync(empty);
    assert.equal(run(empty).status, 0);
    const mounted = path.join(base, "mounted");
    fs.mkdirSync(path.join(mounted, "lost+found"), { recursive: true });
    assert.equal(run(mounted).status, 0);

    // Ours: marker with our token (plus etcd data) passes.
    const ours = path.join(base, "ours");
    fs.mkdirSync(path.join(ours, "member", "snap"), { recursive: true });
    fs.writeFileSync(path.join(ours, CLUSTER_MARKER_FILE), "tok-1\n");
    assert.equal(run(ours).status, 0);

    // Another cluster's marker.
    let r = run(ours, "tok-2");
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `etcdhosts preflight failed on ${host}: data dir ${ours} belongs to another etcd cluster: its marker ${ours}/${CLUSTER_MARKER_FILE} holds token 'tok-1', this cluster's token is 'tok-2'. It is never wiped automatically: check it, then move it aside or remove it by hand.\n`);
    assert.ok(fs.existsSync(path.join(ours, "member", "snap")), "never wiped");

    // Unmarked etcd data.
    const stale = path.join(base, "stale");
    fs.mkdirSync(path.join(stale, "member", "wal"), { recursive: true });
    fs.mkdirSync(path.join(stale, "lost+found"));
    r = run(stale);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `etcdhosts preflight failed on ${host}: data dir ${stale} holds etcd data (member/) but not this cluster's marker ${stale}/${CLUSTER_MARKER_FILE}: it belongs to another or an older cluster. It is never wiped automatically: back it up, then move it aside or remove it by hand.\n`);
    assert.ok(fs.existsSync(path.join(stale, "member", "wal")), "never wiped");

    // Unmarked, other content.
    const junk = path.join(base, "junk");
    fs.mkdirSync(path.join(junk, "lost+found"), { recursive: true });
    fs.writeFileSync(path.join(junk, "notes.txt"), "x");
    r = run(junk);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `etcdhosts preflight failed on ${host}: data dir ${junk} is not empty and has no marker ${junk}/${CLUSTER_MARKER_FILE} (found: notes.txt ). Refusing to use it: empty it or choose another data dir.\n`);

    // Not a directory.
    const file = path.join(base, "file");
    fs.writeFileSync(file, "");
    r = run(file);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `etcdhosts preflight failed on ${host}: data dir ${file} exists but is not a directory\n`);
});

test("preflight runs: a port held by another process fails and names it", { skip: !canPreflight && "missing tools" }, async () => {
    const dir = tempDir("pf-port");
    const [free] = await freePorts();
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const busy = (server.address() as net.AddressInfo).port;
    try {
        // ss runs in a child; let the server's listen be visible.
        const r = runSh(preflightIn(path.join(dir, "d"), [free, busy]), `${now()}\n`);
        assert.equal(r.status, 1);
        assert.match(r.stderr, new RegExp(`^etcdhosts preflight failed on ${host}: port ${busy} is already in use by another process: LISTEN .*127\\.0\\.0\\.1:${busy}.*"node"`));
    } finally {
        await new Promise((r) => server.close(r));
    }
});

// ---- host layout ----------------------------------------------------------------------------

test("accountScript / configDirsScript / removeConfigDirsScript / dataDirScript / wipeDataDirScript: exact text", () => {
    assert.equal(accountScript("etcd", "etcd", "/var/lib/etcd"), [
        "set -eu",
        "getent group etcd >/dev/null 2>&1 || groupadd -r etcd",
        "id -u etcd >/dev/null 2>&1 || useradd -r -g etcd -s /usr/sbin/nologin -d /var/lib/etcd -M etcd",
    ].join("\n"));
    assert.equal(configDirsScript({ configDir: "/etc/etcd", pkiDir: "/etc/etcd/pki", user: "etcd", group: "etcd" }), [
        "set -eu",
        "umask 022",
        "mkdir -p -- /etc/etcd",
        "chown -h root:root /etc/etcd",
        "chmod 0755 /etc/etcd",
        "mkdir -p -- /etc/etcd/pki",
        // Root's, readable by etcd's group: the account etcd runs as can plant nothing there.
        "chown -h root:etcd /etc/etcd/pki",
        "chmod 0750 /etc/etcd/pki",
    ].join("\n"));
    assert.equal(removeConfigDirsScript({ configDir: "/etc/etcd", pkiDir: "/etc/etcd/pki" }), [
        "set -eu",
        "rmdir -- /etc/etcd/pki 2>/dev/null || true",
        "rmdir -- /etc/etcd 2>/dev/null || true",
    ].join("\n"));
    assert.equal(dataDirScript({ dataDir: "/var/lib/etcd", user: "etcd", group: "etcd", clusterToken: "tok-1" }), [
        "set -eu",
        "umask 022",
        `fail() { printf 'etcdhosts: %s\\n' "$*" >&2; exit 1; }`,
        "data_dir=/var/lib/etcd",
        "marker=/var/lib/etcd/.etcdhosts-cluster-token",
        "token=tok-1",
        `mkdir -p -- "$data_dir"`,
        `chown etcd:etcd "$data_dir"`,
        `chmod 0700 "$data_dir"`,
        // Inside the data dir root acts only as the account that owns it.
        `if setpriv --reuid=etcd --regid=etcd --clear-groups -- test -e "$marker" || setpriv --reuid=etcd --regid=etcd --clear-groups -- test -L "$marker"; then`,
        `  found=$(setpriv --reuid=etcd --regid=etcd --clear-groups -- head -n 1 -- "$marker") || fail "data dir marker $marker cannot be read; not touching it"`,
        `  [ "$found" = "$token" ] || fail "data dir marker $marker holds another cluster's token; not touching it"`,
        "else",
        `  printf '%s\\n' "$token" | setpriv --reuid=etcd --regid=etcd --clear-groups -- sh -c 'umask 077; t=$(mktemp "$1.XXXXXXXX") && cat > "$t" && mv -f -- "$t" "$1"' sh "$marker"`,
        "fi",
    ].join("\n"));
    assert.equal(wipeDataDirScript("/var/lib/etcd"), "set -eu\nrm -rf -- /var/lib/etcd");
});

test("validateDataDir refuses system directories", () => {
    assert.deepEqual(validateDataDir("/var/lib/etcd", "dataDir"), []);
    assert.deepEqual(validateDataDir("/data/etcd", "dataDir"), []);
    for (const bad of ["/", "/var", "/var/lib", "/etc", "/usr/local", "/data", "/etc/kubernetes"]) {
        assert.deepEqual(validateDataDir(bad, "dataDir"), [`dataDir ${JSON.stringify(bad)} is a system directory; use a dedicated directory such as /var/lib/etcd`], bad);
    }
    assert.deepEqual(validateDataDir("var/lib/etcd", "dataDir"), ['dataDir must be an absolute path, got "var/lib/etcd"']);
});

test("dataDirScript runs: 0700 dir, marker once, refuses another token", { skip: !hasTools("sh", "head", "chown") && "missing tools" }, () => {
    const { user, group } = currentAccount();
    const dataDir = path.join(tempDir("datadir"), "etcd");
    const marker = path.join(dataDir, CLUSTER_MARKER_FILE);
    let r = runSh(dataDirScript({ dataDir, user, group, clusterToken: "tok-1" }));
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    assert.equal(modeOf(dataDir), "0700");
    assert.equal(fs.readFileSync(marker, "utf8"), "tok-1\n");
    assert.equal(modeOf(marker), "0600");
    r = runSh(dataDirScript({ dataDir, user, group, clusterToken: "tok-1" }));
    assert.equal(r.status, 0);
    r = runSh(dataDirScript({ dataDir, user, group, clusterToken: "tok-2" }));
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `etcdhosts: data dir marker ${marker} holds another cluster's token; not touching it\n`);
    assert.equal(fs.readFileSync(marker, "utf8"), "tok-1\n");
});

// ---- install ----------------------------------------------------------------------------------

test("binaryPaths per method", () => {
    assert.deepEqual(binaryPaths({ method: "package", packages: ["etcd-server", "etcd-client"] }), { etcd: "/usr/bin/etcd", etcdctl: "/usr/bin/etcdctl" });
    assert.deepEqual(binaryPaths({ method: "binary", localDir: "bin", installDir: "/usr/local/bin" }), { etcd: "/usr/local/bin/etcd", etcdctl: "/usr/local/bin/etcdctl" });
    assert.deepEqual(binaryPaths({ method: "tarball", url: "https://m/e.tgz", sha256: SHA_A, version: "3.5.17", installDir: "/opt/etcd" }), { etcd: "/opt/etcd/etcd", etcdctl: "/opt/etcd/etcdctl" });
    assert.deepEqual(binaryPaths({ method: "preinstalled", etcdPath: "/x/etcd", etcdctlPath: "/y/etcdctl", version: undefined }), { etcd: "/x/etcd", etcdctl: "/y/etcdctl" });
    assert.deepEqual(binaryPaths({ method: "none" }), { etcd: "", etcdctl: "" });
});

test("packageInstallScript: exact text; apt-get only for missing packages, clear offline message", () => {
    assert.equal(packageInstallScript(["etcd-server", "etcd-client"], "/var/lib/etcd"), [
        "set -eu",
        `fail() { printf 'etcdhosts: %s\\n' "$*" >&2; exit 1; }`,
        "missing=''",
        "for p in etcd-server etcd-client; do",
        `  dpkg-query -W -f='\${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"`,
        "done",
        `if [ -n "$missing" ]; then`,
        `  command -v apt-get >/dev/null 2>&1 || fail "packages$missing are missing and apt-get is not available: install them, or choose another install method"`,
        // Bounded: apt-get as a whole, dpkg's lock wait and each download.
        `  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get -o DPkg::Lock::Timeout=120 -o Acquire::http::Timeout=30 install -y --no-install-recommends $missing || fail "packages$missing are missing and apt-get could not install them within 900s. These hosts have no internet access: preinstall the packages or point apt at a local mirror."`,
        "fi",
        // Takes over from the package's own etcd.service until our unit of the same name exists.
        "if [ ! -e /etc/systemd/system/etcd.service ]; then",
        "  if systemctl is-active --quiet etcd.service; then",
        `    systemctl stop etcd.service || fail "could not stop the etcd package's own etcd.service"`,
        `    echo "etcdhosts: stopped the etcd package's own etcd.service"`,
        "  fi",
        "  if systemctl is-enabled --quiet etcd.service 2>/dev/null; then",
        `    systemctl disable etcd.service || fail "could not disable the etcd package's own etcd.service"`,
        `    echo "etcdhosts: disabled the etcd package's own etcd.service"`,
        "  fi",
        "fi",
        packageLocalClusterFunction(),
        "pkg_dir=/var/lib/etcd/default",
        `if [ -e "$pkg_dir" ] && [ ! -f /var/lib/etcd/${CLUSTER_MARKER_FILE} ]; then`,
        `  package_local_cluster "$pkg_dir" || fail "$pkg_dir holds data of another etcd cluster than the package's own localhost one; not touching it. It is never wiped automatically: back it up, then move it aside or remove it by hand."`,
        "  aside=/var/lib/etcd.package-default.$(date -u +%Y%m%dT%H%M%SZ)",
        `  mv -- "$pkg_dir" "$aside"`,
        `  echo "etcdhosts: moved the etcd package's own localhost cluster from $pkg_dir to $aside (kept, never wiped)"`,
        "fi",
        "/usr/bin/etcd --version",
    ].join("\n"));
    // Another data dir: the package's data is not ours to move.
    assert.doesNotMatch(packageInstallScript(["etcd-server", "etcd-client"], "/srv/etcd"), /pkg_dir|mv --/);
});

test("binaryInstallScript / tarballInstallScript / preinstalledCheckScript / removeBinariesScript: exact text", () => {
    assert.equal(binaryInstallScript([
        { staged: "/var/tmp/etcdhosts-h-etcd", target: "/usr/local/bin/etcd", sha256: SHA_A.toUpperCase() },
        { staged: "/var/tmp/etcdhosts-h-etcdctl", target: "/usr/local/bin/etcdctl", sha256: SHA_B },
    ], "/usr/local/bin/etcd"), [
        "set -eu",
        "umask 022",
        `fail() { printf 'etcdhosts: %s\\n' "$*" >&2; exit 1; }`,
        `put() { [ -f "$1" ] || fail "staged file $1 is missing (was it cleaned up?); re-upload it with pulumi up --replace on its stage resource"; mkdir -p -- "$(dirname -- "$2")"; install -m 0755 -o root -g root "$1" "$3"; actual=$(sha256sum "$3" | cut -d ' ' -f 1); if [ "$actual" != "$4" ]; then rm -f -- "$3"; fail "sha256 mismatch for $2: expected $4, got $actual"; fi; mv -f -- "$3" "$2"; }`,
        `put /var/tmp/etcdhosts-h-etcd /usr/local/bin/etcd /usr/local/bin/.tmp.etcd ${SHA_A}`,
        `put /var/tmp/etcdhosts-h-etcdctl /usr/local/bin/etcdctl /usr/local/bin/.tmp.etcdctl ${SHA_B}`,
        "/usr/local/bin/etcd --version",
    ].join("\n"));

    assert.equal(tarballInstallScript({ method: "tarball", url: "https://mirror.example/etcd-v3.5.17-linux-amd64.tar.gz?x=1", sha256: SHA_B.toUpperCase(), version: "3.5.17", installDir: "/usr/local/bin" }), [
        "set -eu",
        "umask 022",
        `fail() { printf 'etcdhosts: %s\\n' "$*" >&2; exit 1; }`,
        "dir=/usr/local/bin",
        "want=3.5.17",
        "url='https://mirror.example/etcd-v3.5.17-linux-amd64.tar.gz?x=1'",
        `if [ -x "$dir/etcd" ] && [ -x "$dir/etcdctl" ] && [ -x "$dir/etcdutl" ] && [ "$(/usr/local/bin/etcd --version 2>/dev/null | sed -n 's/^etcd Version: //p')" = "$want" ]; then`,
        `  "$dir/etcd" --version`,
        "  exit 0",
        "fi",
        `command -v curl >/dev/null 2>&1 || fail "curl is needed to fetch the etcd tarball"`,
        "work=$(mktemp -d)",
        `trap 'rm -rf -- "$work"' EXIT`,
        `curl -fsSL --retry 3 --connect-timeout 10 --max-time 900 -o "$work/etcd.tar.gz" "$url" || fail "could not download $url within 900s"`,
        `actual=$(sha256sum "$work/etcd.tar.gz" | cut -d ' ' -f 1)`,
        `want_sha=${SHA_B}`,
        `[ "$actual" = "$want_sha" ] || fail "sha256 mismatch for $url: expected $want_sha, got $actual"`,
        `tar -xzf "$work/etcd.tar.gz" -C "$work" --no-same-owner`,
        `mkdir -p -- "$dir"`,
        "for b in etcd etcdctl etcdutl; do",
        `  src=$(find "$work" -type f -name "$b" | head -n 1)`,
        `  if [ -z "$src" ]; then case "$b" in etcdutl) continue ;; esac; fail "the tarball has no $b binary"; fi`,
        `  install -m 0755 -o root -g root "$src" "$dir/.tmp.$b"`,
        `  mv -f -- "$dir/.tmp.$b" "$dir/$b"`,
        "done",
        `got=$(/usr/local/bin/etcd --version 2>/dev/null | sed -n 's/^etcd Version: //p')`,
        `[ "$got" = "$want" ] || fail "the installed etcd reports version '$got', expected $want: does the tarball hold that version?"`,
        `"$dir/etcd" --version`,
    ].join("\n"));

    assert.equal(preinstalledCheckScript({ method: "preinstalled", etcdPath: "/opt/etcd/bin/etcd", etcdctlPath: "/opt/etcd/bin/etcdctl", version: "3.5.17" }), [
        "set -eu",
        `fail() { printf 'etcdhosts: %s\\n' "$*" >&2; exit 1; }`,
        // Paths and the version reach the shell only as quoted assignments.
        "etcd=/opt/etcd/bin/etcd",
        "etcdctl=/opt/etcd/bin/etcdctl",
        `[ -x "$etcd" ] || fail "etcd is not installed at $etcd (or not executable)"`,
        `[ -x "$etcdctl" ] || fail "etcdctl is not installed at $etcdctl (or not executable)"`,
        `got=$("$etcd" --version 2>/dev/null | sed -n 's/^etcd Version: //p')`,
        `[ -n "$got" ] || fail "$etcd --version printed no 'etcd Version:' line; is it etcd?"`,
        "want=3.5.17",
        `[ "$got" = "$want" ] || fail "$etcd is version $got, expected $want"`,
        `"$etcd" --version`,
    ].join("\n"));
    assert.equal(preinstalledCheckScript({ method: "preinstalled", etcdPath: "/usr/bin/etcd", etcdctlPath: "/usr/bin/etcdctl", version: undefined }).includes("want="), false);

    assert.equal(removeBinariesScript(["/usr/local/bin/etcd", "/usr/local/bin/.tmp.etcd"]), "set -eu\nrm -f -- /usr/local/bin/etcd /usr/local/bin/.tmp.etcd");
});

test("parseEtcdVersion", () => {
    assert.equal(parseEtcdVersion("etcd Version: 3.5.17\nGit SHA: 507c0de\nGo Version: go1.22.9\nGo OS/Arch: linux/amd64"), "3.5.17");
    assert.equal(parseEtcdVersion("etcdhosts: installed\netcd Version: 3.6.0-rc.1\n"), "3.6.0-rc.1");
    assert.equal(parseEtcdVersion(""), "");
    assert.equal(parseEtcdVersion("etcdctl version: 3.5.17"), "");
});

// ---- install scripts, executed --------------------------------------------------------------

const FAKE_ETCD = "#!/bin/sh\necho 'etcd Version: 3.5.17'\necho 'Git SHA: fake'\n";

/** A release-like tarball with fake etcd/etcdctl, and its sha256. */
function fakeTarball(dir: string): { url: string; sha256: string } {
    const root = path.join(dir, "src", "etcd-v3.5.17-linux-amd64");
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, "etcd"), FAKE_ETCD, { mode: 0o755 });
    fs.writeFileSync(path.join(root, "etcdctl"), "#!/bin/sh\necho 'etcdctl version: 3.5.17'\n", { mode: 0o755 });
    fs.writeFileSync(path.join(root, "etcdutl"), "#!/bin/sh\necho 'etcdutl version: 3.5.17'\n", { mode: 0o755 });
    fs.writeFileSync(path.join(root, "README.md"), "docs\n");
    const file = path.join(dir, "etcd.tar.gz");
    child_process.execFileSync("tar", ["-czf", file, "-C", path.join(dir, "src"), "etcd-v3.5.17-linux-amd64"]);
    return { url: `file://${file}`, sha256: crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex") };
}

const canTarball = hasTools("sh", "curl", "tar", "gzip", "sha256sum", "mktemp", "find", "sed");

test("tarball runs: a checksum mismatch fails before extracting, naming expected and actual", { skip: !canTarball && "missing tools" }, () => {
    const dir = tempDir("tarball-bad");
    const { url, sha256 } = fakeTarball(dir);
    const installDir = path.join(dir, "bin");
    const r = runSh(tarballInstallScript({ method: "tarball", url, sha256: SHA_A, version: "3.5.17", installDir }));
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `etcdhosts: sha256 mismatch for ${url}: expected ${SHA_A}, got ${sha256}\n`);
    assert.equal(fs.existsSync(installDir), false);
});

test("tarball runs: installs, then is a no-op when the version matches", { skip: (!canTarball && "missing tools") || (!isRoot && "install -o root needs root") }, () => {
    const dir = tempDir("tarball-ok");
    const { url, sha256 } = fakeTarball(dir);
    const installDir = path.join(dir, "bin");
    const script = tarballInstallScript({ method: "tarball", url, sha256, version: "3.5.17", installDir });
    let r = runSh(script);
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    assert.equal(parseEtcdVersion(r.stdout), "3.5.17");
    assert.equal(modeOf(path.join(installDir, "etcd")), "0755");
    assert.deepEqual(fs.readdirSync(installDir).sort(), ["etcd", "etcdctl", "etcdutl"]);
    // Second run: the tarball is gone, so only the version short-cut can succeed.
    fs.rmSync(path.join(dir, "etcd.tar.gz"));
    r = runSh(script);
    assert.equal(r.status, 0);
    assert.equal(parseEtcdVersion(r.stdout), "3.5.17");
    // A different wanted version must fetch (and here fail, the tarball being gone).
    r = runSh(tarballInstallScript({ method: "tarball", url, sha256, version: "3.5.18", installDir }));
    assert.equal(r.status, 1);
    // curl's own error line comes first (-S), ours last.
    assert.ok(r.stderr.endsWith(`etcdhosts: could not download ${url} within 900s\n`), r.stderr);
});

test("binary runs: a staged file whose hash differs is refused and nothing is installed", { skip: !hasTools("sh", "install", "sha256sum", "cut") && "missing tools" }, () => {
    const dir = tempDir("binary");
    const staged = path.join(dir, "staged-etcd");
    fs.writeFileSync(staged, FAKE_ETCD, { mode: 0o644 });
    const actual = crypto.createHash("sha256").update(FAKE_ETCD).digest("hex");
    const target = path.join(dir, "bin", "etcd");
    const r = runSh(binaryInstallScript([{ staged, target, sha256: SHA_A }], target));
    if (isRoot) {
        assert.equal(r.status, 1);
        assert.equal(r.stderr, `etcdhosts: sha256 mismatch for ${target}: expected ${SHA_A}, got ${actual}\n`);
        assert.deepEqual(fs.readdirSync(path.join(dir, "bin")), []);
    } else {
        assert.equal(r.status, 1); // install -o root fails first without root
    }
    const missing = runSh(binaryInstallScript([{ staged: path.join(dir, "nope"), target, sha256: SHA_A }], target));
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, `etcdhosts: staged file ${path.join(dir, "nope")} is missing (was it cleaned up?); re-upload it with pulumi up --replace on its stage resource\n`);
});
