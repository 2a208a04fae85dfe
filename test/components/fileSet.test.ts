// The file set: certificate and key switch together (remote/fileSet.ts). Exact text, then runs
// under the local sh in a temp dir: a second write switches every name at once and leaves one
// generation; a failed write (a truncated bundle) leaves the current set as it was; removal
// leaves nothing. Ownership needs root (install -o); the runs use the current account.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { removeFileSetScript, setDirectory, writeFileSetScript } from "../../components/remote/fileSet";
import { encodeFileBundle } from "../../components/remote/shell";
import { currentAccount, isRoot, runSh, tempDir } from "./support/sh";

test("writeFileSetScript / removeFileSetScript: exact text", () => {
    const targets = [
        { path: "/etc/etcd/pki/server.crt", mode: "644", owner: "etcd", group: "etcd" },
        { path: "/etc/etcd/pki/server.key", mode: "0600", owner: "etcd", group: "etcd" },
    ];
    assert.deepEqual(writeFileSetScript(targets).split("\n"), [
        "set -eu",
        "umask 077",
        `fail() { printf 'etcdhosts: %s\\n' "$*" >&2; exit 1; }`,
        `frame() { IFS= read -r line || fail "file bundle on stdin ended early (expected frame $1)"; [ "$line" = "--- $1" ] || fail "file bundle on stdin is malformed (expected frame $1)"; }`,
        `safe_dir() { [ -n "$(find -H "$1" -maxdepth 0 -type d -user 0 ! -perm /022 2>/dev/null)" ] || fail "$1 must be a directory owned by root and writable by root alone"; }`,
        "dir=/etc/etcd/pki",
        `safe_dir "$dir"`,
        `gen=$(mktemp -d "$dir/..gen.XXXXXXXX")`,
        `trap 'rm -rf -- "$gen"' EXIT`,
        `stage() { frame "$1"; IFS= read -r data || fail "file bundle on stdin ended early (frame $1 has no content)"; install -m "$3" -o "$4" -g "$5" /dev/null "$gen/$2"; printf '%s' "$data" | base64 -d > "$gen/$2"; }`,
        "stage 1 server.crt 0644 etcd etcd",
        "stage 2 server.key 0600 etcd etcd",
        "frame end",
        `sync -- "$gen"/* "$gen"`,
        `chmod 0755 "$gen"`,
        `ln -sfn -- "\${gen##*/}" "$dir/..data.tmp"`,
        `mv -T -- "$dir/..data.tmp" "$dir/..data"`,
        "trap - EXIT",
        `link() { [ "$(readlink -- "$dir/$1" || true)" = "..data/$1" ] || { ln -sfn -- "..data/$1" "$dir/.tmp.$1"; mv -T -- "$dir/.tmp.$1" "$dir/$1"; }; }`,
        "link server.crt",
        "link server.key",
        `sync -- "$dir"`,
        `for old in "$dir"/..gen.*; do [ "$old" = "$gen" ] || rm -rf -- "$old"; done`,
    ]);
    assert.deepEqual(removeFileSetScript(targets.map((t) => t.path)).split("\n"), [
        "set -eu",
        "dir=/etc/etcd/pki",
        `[ -d "$dir" ] || exit 0`,
        `cd -- "$dir"`,
        "rm -f -- server.crt server.key .tmp.server.crt .tmp.server.key ..data ..data.tmp",
        "rm -rf -- ..gen.*",
    ]);
    assert.throws(() => setDirectory([...targets, { path: "/etc/etcd/other/x", mode: "0600", owner: "root", group: "root" }]), /a file set lives in one directory/);
});

test("runs: one switch per write, one generation left, a failed write changes nothing, removal leaves nothing", { skip: !isRoot && "the set's directory must be root's" }, () => {
    const { user, group } = currentAccount();
    const dir = path.join(tempDir("fileset"), "pki");
    fs.mkdirSync(dir, { mode: 0o750 });
    const targets = ["ca.crt", "server.crt", "server.key"].map((n) => ({ path: path.join(dir, n), mode: n.endsWith(".key") ? "0600" : "0644", owner: user, group }));
    const write = (contents: string[]): ReturnType<typeof runSh> => runSh(writeFileSetScript(targets), encodeFileBundle(contents));
    const read = (): string[] => targets.map((t) => fs.readFileSync(t.path, "utf8"));

    assert.equal(write(["ca 1", "crt 1", "key 1"]).status, 0);
    assert.deepEqual(read(), ["ca 1", "crt 1", "key 1"]);
    const first = fs.readlinkSync(path.join(dir, "..data"));
    let r = write(["ca 2", "crt 2", "key 2"]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(read(), ["ca 2", "crt 2", "key 2"]);
    assert.notEqual(fs.readlinkSync(path.join(dir, "..data")), first);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith("..gen.")).length, 1);
    assert.equal((fs.statSync(path.join(dir, "server.key")).mode & 0o777).toString(8), "600");

    // A bundle cut short: nothing switches, no generation is left behind.
    r = runSh(writeFileSetScript(targets), encodeFileBundle(["ca 3", "crt 3", "key 3"]).split("\n").slice(0, 4).join("\n") + "\n");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /file bundle on stdin ended early/);
    assert.deepEqual(read(), ["ca 2", "crt 2", "key 2"]);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith("..gen.")).length, 1);

    assert.equal(runSh(removeFileSetScript(targets.map((t) => t.path))).status, 0);
    assert.deepEqual(fs.readdirSync(dir), []);
    assert.equal(runSh(removeFileSetScript(targets.map((t) => t.path))).status, 0);
});
