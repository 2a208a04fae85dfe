// Unit tests of the pure shell builders in components/remote/shell.ts and the quoting in
// components/shellWords.ts: exact text, plus the file-writing script executed under the local
// POSIX sh in a temp dir (owner = current user).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import {
    asRoot,
    decodeFileBundle,
    encodeFileBundle,
    normalizeFileMode,
    removeFilesScript,
    validateAbsolutePath,
    writeFilesScript,
} from "../../components/remote/shell";
import { shJoin, shQuote, tempPathFor } from "../../components/shellWords";
import { currentAccount, hasTools, modeOf, runSh, tempDir } from "./support/sh";

const canRun = hasTools("sh", "base64", "install", "dirname");

test("shQuote: safe words bare, everything else single-quoted", () => {
    const cases: [string, string][] = [
        ["etcd", "etcd"],
        ["/etc/etcd/pki/ca.crt", "/etc/etcd/pki/ca.crt"],
        ["0600", "0600"],
        ["", "''"],
        ["a b", "'a b'"],
        ["it's", `'it'"'"'s'`],
        ["$HOME", "'$HOME'"],
        ["`x`", "'`x`'"],
        ["a\nb", "'a\nb'"],
        ["*", "'*'"],
    ];
    for (const [input, expected] of cases) assert.equal(shQuote(input), expected, JSON.stringify(input));
    assert.throws(() => shQuote("a\0b"), { message: "a shell word can't contain a NUL byte" });
    assert.equal(shJoin(["rm", "-f", "--", "/a b", "/c"]), "rm -f -- '/a b' /c");
});

test("shQuote round-trips arbitrary strings through sh (property, one sh run for all samples)", { skip: !canRun && "no sh" }, () => {
    // Spawning sh per sample is slow on small machines, so the samples go through one printf.
    // Shell-special characters get their own generator; fast-check's "binary" unit is too slow.
    const special = fc.constantFrom(..."'\"\\$`!*?~#&;|<>(){}[]= \n\t-", "a", "é", "\u{1F600}");
    const arbitrary = fc.oneof(
        fc.string({ unit: "binary-ascii", maxLength: 40 }),
        fc.string({ unit: special, maxLength: 40 }),
        fc.string({ unit: "grapheme", maxLength: 20 }),
    ).filter((s) => !s.includes("\0"));
    const samples = fc.sample(arbitrary, { numRuns: 400, seed: 42 });
    samples.push("", "'", "'\\''", "\\", "$(id)", "`id`", "a\nb", "--", "-n", "*", "~", "!x");
    const r = runSh(`printf '%s\\000' ${samples.map(shQuote).join(" ")}`);
    assert.equal(r.status, 0);
    const out = r.stdout.split("\0");
    assert.equal(out.pop(), "");
    samples.forEach((s, i) => assert.equal(out[i], s, `sample ${i}: ${JSON.stringify(s)}`));
});

test("asRoot: sh -c for root, sudo -n sh -c for anyone else", () => {
    assert.equal(asRoot("echo 'hi'", "root"), `sh -c 'echo '"'"'hi'"'"''`);
    assert.equal(asRoot("echo 'hi'", "deploy"), `sudo -n sh -c 'echo '"'"'hi'"'"''`);
});

test("validators: exact messages", () => {
    assert.deepEqual(validateAbsolutePath("/etc/etcd/pki/ca.crt", "p"), []);
    assert.deepEqual(validateAbsolutePath("etc/x", "p"), ['p must be an absolute path, got "etc/x"']);
    assert.deepEqual(validateAbsolutePath("/etc/../x", "p"), ['p must be normalized (no empty, "." or ".." segments), got "/etc/../x"']);
    assert.deepEqual(validateAbsolutePath("/etc//x", "p"), ['p must be normalized (no empty, "." or ".." segments), got "/etc//x"']);
    assert.deepEqual(validateAbsolutePath("/etc/x/", "p"), ['p must not end with "/", got "/etc/x/"']);
    assert.deepEqual(validateAbsolutePath("/etc/a\nb", "p"), ['p must not contain NUL or line breaks, got "/etc/a\\nb"']);
    assert.deepEqual(validateAbsolutePath("", "p"), ["p must be a non-empty absolute path"]);
    assert.equal(normalizeFileMode("644"), "0644");
    assert.equal(normalizeFileMode("0600"), "0600");
    assert.equal(tempPathFor("/etc/etcd/pki/server.key"), "/etc/etcd/pki/.tmp.server.key");
});

test("file bundle: exact framing", () => {
    assert.equal(encodeFileBundle(["a\n", "é", ""]), "--- 1\nYQo=\n--- 2\nw6k=\n--- 3\n\n--- end\n");
    assert.equal(encodeFileBundle([]), "--- end\n");
    assert.deepEqual(decodeFileBundle("--- 1\nYQo=\n--- 2\nw6k=\n--- 3\n\n--- end\n"), ["a\n", "é", ""]);
    assert.throws(() => decodeFileBundle("--- 2\nYQo=\n--- end\n"), { message: "bundle frame 1 is missing" });
    assert.throws(() => decodeFileBundle("--- 1\nYQo=\n"), { message: "bundle frame 2 is missing" });
    assert.throws(() => decodeFileBundle("--- end\nx\n"), { message: "bundle has data after its end marker" });
});

test("file bundle: decode(encode(x)) = x (property)", () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 200 }), { maxLength: 8 }), (contents) => {
        assert.deepEqual(decodeFileBundle(encodeFileBundle(contents)), contents);
    }), { numRuns: 300 });
});

test("writeFilesScript: exact text", () => {
    const script = writeFilesScript([
        { path: "/etc/etcd/pki/ca.crt", mode: "644", owner: "root", group: "root" },
        { path: "/etc/etcd/pki/server.key", mode: "0600", owner: "etcd", group: "etcd" },
    ]);
    assert.equal(script, [
        "set -eu",
        "umask 077",
        `fail() { printf 'etcdhosts: %s\\n' "$*" >&2; exit 1; }`,
        `frame() { IFS= read -r line || fail "file bundle on stdin ended early (expected frame $1)"; [ "$line" = "--- $1" ] || fail "file bundle on stdin is malformed (expected frame $1)"; }`,
        `safe_dir() { [ -n "$(find -H "$1" -maxdepth 0 -type d -user 0 ! -perm /022 2>/dev/null)" ] || fail "$1 must be a directory owned by root and writable by root alone"; }`,
        `stage() { frame "$1"; IFS= read -r data || fail "file bundle on stdin ended early (frame $1 has no content)"; mkdir -p -- "$(dirname -- "$2")"; safe_dir "$(dirname -- "$2")"; rm -f -- "$3"; install -m "$4" -o "$5" -g "$6" /dev/null "$3"; printf '%s' "$data" | base64 -d > "$3"; }`,
        `trap 'rm -f -- /etc/etcd/pki/.tmp.ca.crt /etc/etcd/pki/.tmp.server.key' EXIT`,
        "stage 1 /etc/etcd/pki/ca.crt /etc/etcd/pki/.tmp.ca.crt 0644 root root",
        "stage 2 /etc/etcd/pki/server.key /etc/etcd/pki/.tmp.server.key 0600 etcd etcd",
        "frame end",
        "mv -f -- /etc/etcd/pki/.tmp.ca.crt /etc/etcd/pki/ca.crt",
        "mv -f -- /etc/etcd/pki/.tmp.server.key /etc/etcd/pki/server.key",
    ].join("\n"));
    // Never prints content.
    assert.doesNotMatch(script, /\btee\b|echo "\$data"|set -x/);
});

test("removeFilesScript: exact text, includes temp files", () => {
    assert.equal(
        removeFilesScript(["/etc/etcd/pki/ca.crt", "/etc/etcd/a b"]),
        "set -eu\nrm -f -- /etc/etcd/pki/ca.crt /etc/etcd/pki/.tmp.ca.crt '/etc/etcd/a b' '/etc/etcd/.tmp.a b'",
    );
});

test("writeFilesScript runs: contents, modes, missing parents, no temp left, nothing printed", { skip: !canRun && "missing tools" }, () => {
    const dir = tempDir("write");
    const { user, group } = currentAccount();
    const files = [
        { path: path.join(dir, "pki", "ca.crt"), mode: "0644", owner: user, group, content: "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n" },
        { path: path.join(dir, "pki", "server.key"), mode: "0600", owner: user, group, content: "--- end\n--- 1\nnot a frame\n" },
        { path: path.join(dir, "deep", "er", "empty"), mode: "0640", owner: user, group, content: "" },
        { path: path.join(dir, "pki", "it's ünïcode"), mode: "0600", owner: user, group, content: "é\u0000x" },
    ];
    fs.mkdirSync(path.join(dir, "pki"));
    fs.writeFileSync(files[0].path, "old content", { mode: 0o666 });

    const r = runSh(writeFilesScript(files), encodeFileBundle(files.map((f) => f.content)));
    assert.equal(r.stderr, "");
    assert.equal(r.status, 0);
    assert.equal(r.stdout, "");
    for (const f of files) {
        assert.equal(fs.readFileSync(f.path, "utf8"), f.content, f.path);
        assert.equal(modeOf(f.path), f.mode, f.path);
    }
    // A missing parent is created 0700 (umask 077).
    assert.equal(modeOf(path.join(dir, "deep")), "0700");
    assert.deepEqual(fs.readdirSync(path.join(dir, "pki")).filter((n) => n.startsWith(".tmp.")), []);
});

test("writeFilesScript runs: a truncated or misordered bundle changes nothing and leaves no temp file", { skip: !canRun && "missing tools" }, () => {
    const dir = tempDir("trunc");
    const { user, group } = currentAccount();
    const targets = [
        { path: path.join(dir, "a.key"), mode: "0600", owner: user, group },
        { path: path.join(dir, "b.key"), mode: "0600", owner: user, group },
    ];
    fs.writeFileSync(targets[0].path, "keep me");
    const full = encodeFileBundle(["new a", "new b"]);

    const truncated = full.replace("--- end\n", "");
    let r = runSh(writeFilesScript(targets), truncated);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, "etcdhosts: file bundle on stdin ended early (expected frame end)\n");
    assert.equal(fs.readFileSync(targets[0].path, "utf8"), "keep me");
    assert.equal(fs.existsSync(targets[1].path), false);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith(".tmp.")), []);

    r = runSh(writeFilesScript(targets), "--- 2\nYQ==\n--- 1\nYQ==\n--- end\n");
    assert.equal(r.status, 1);
    assert.equal(r.stderr, "etcdhosts: file bundle on stdin is malformed (expected frame 1)\n");
    assert.equal(fs.readFileSync(targets[0].path, "utf8"), "keep me");

    // And the removal script cleans up idempotently.
    r = runSh(removeFilesScript(targets.map((t) => t.path)));
    assert.equal(r.status, 0);
    r = runSh(removeFilesScript(targets.map((t) => t.path)));
    assert.equal(r.status, 0);
    assert.deepEqual(fs.readdirSync(dir), []);
});
