// Root never follows a link the etcd account controls. The host scripts run here under /bin/sh as
// root, in a temp dir, with the real unprivileged account `nobody` standing in for `etcd`: it
// plants links at every name root writes or reads in a directory it could write (the data dir's
// marker and its temp names, the PKI files, their temp names, the generation links), once before
// the scripts run and again and again while they run. Root-owned files outside the managed set
// (the "victims") must come out unchanged, byte for byte and in mode and owner.
//
// Needs root (to run as root and to act as `nobody`) and util-linux `setpriv`; skipped otherwise.
// This machine's fs.protected_symlinks may be on or off: the scripts must not rely on it.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as child_process from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SET_DATA_LINK } from "../../components/remote/fileSet";
import { configDirsScript, dataDirScript } from "../../components/remote/hostLayout";
import { CLUSTER_MARKER_FILE, preflightScript } from "../../components/remote/preflight";
import { encodeFileBundle, writeFilesScript } from "../../components/remote/shell";
import { writeFileSetScript } from "../../components/remote/fileSet";
import { hasTools, isRoot } from "./support/sh";

const ACCOUNT = { user: "nobody", group: "nogroup" };
const ready = isRoot && hasTools("setpriv", "ss", "base64", "mktemp") && child_process.spawnSync("id", ["-u", ACCOUNT.user]).status === 0;
const skip = ready ? false : "needs root, setpriv and the account nobody";

const uid = (): number => Number(child_process.execFileSync("id", ["-u", ACCOUNT.user], { encoding: "utf8" }).trim());
const gid = (): number => Number(child_process.execFileSync("id", ["-g", ACCOUNT.user], { encoding: "utf8" }).trim());

/** A fresh world with root's victims and a directory `nobody` owns. */
function world(name: string): { root: string; victims: string; own: string; snapshot: () => string } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), `etcdhosts-links-${name}-`));
    process.on("exit", () => fs.rmSync(root, { recursive: true, force: true }));
    fs.chmodSync(root, 0o755);
    // Victims: root's files the account can neither read nor write. `nobody` can still name them
    // in a link; root following such a link is the hole.
    const victims = path.join(root, "victims");
    fs.mkdirSync(victims, { mode: 0o755 });
    for (const v of ["shadow", "authorized_keys", "sudoers"]) fs.writeFileSync(path.join(victims, v), `precious ${v}\n`, { mode: 0o600 });
    const own = path.join(root, "own");
    fs.mkdirSync(own, { mode: 0o700 });
    fs.chownSync(own, uid(), gid());
    const snapshot = (): string =>
        fs
            .readdirSync(victims)
            .sort()
            .map((v) => {
                const st = fs.lstatSync(path.join(victims, v));
                return `${v} ${st.uid}:${st.gid} ${(st.mode & 0o7777).toString(8)} ${fs.readFileSync(path.join(victims, v), "utf8").trim()}`;
            })
            .join("\n");
    return { root, victims, own, snapshot };
}

/** Runs a shell command as `nobody` (errors ignored: a refused plant is the point). */
function asAccount(command: string): void {
    child_process.spawnSync("setpriv", [`--reuid=${ACCOUNT.user}`, `--regid=${ACCOUNT.group}`, "--clear-groups", "--", "sh", "-c", command], { stdio: "ignore" });
}

/** Starts `nobody` planting links at `names` in `dir`, pointing at `target`, as fast as it can, until stopped. */
function planter(dir: string, names: readonly string[], target: string): { stop: () => void } {
    const loop = `while :; do for n in ${names.map((n) => `'${n}'`).join(" ")}; do ln -sfn '${target}' "${dir}/$n" 2>/dev/null; done; done`;
    const child = child_process.spawn("setpriv", [`--reuid=${ACCOUNT.user}`, `--regid=${ACCOUNT.group}`, "--clear-groups", "--", "sh", "-c", loop], { stdio: "ignore", detached: true });
    return { stop: () => process.kill(-child.pid!, "SIGKILL") };
}

function sh(script: string, stdin = ""): { status: number | null; stdout: string; stderr: string } {
    const r = child_process.spawnSync("sh", ["-c", script], { input: stdin, encoding: "utf8", timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("root never follows a link the etcd account controls", { skip }, () => {
    it("data dir marker: links planted at the marker's temp names are never followed; the marker is the account's", () => {
        const w = world("marker");
        const before = w.snapshot();
        const data = w.own;
        // Every name an older version wrote through as root, and a few a guess might hit.
        const names = [`.tmp.${CLUSTER_MARKER_FILE}`, `${CLUSTER_MARKER_FILE}.tmp`, `${CLUSTER_MARKER_FILE}.XXXXXXXX`];
        for (const n of names) asAccount(`ln -s ${w.victims}/shadow ${data}/${n}`);
        const r = sh(dataDirScript({ dataDir: data, ...ACCOUNT, clusterToken: "tok-1" }));
        assert.equal(r.status, 0, r.stderr);
        assert.equal(w.snapshot(), before);
        const st = fs.lstatSync(path.join(data, CLUSTER_MARKER_FILE));
        assert.ok(st.isFile());
        assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [uid(), gid(), 0o600]);
        assert.equal(fs.readFileSync(path.join(data, CLUSTER_MARKER_FILE), "utf8"), "tok-1\n");
    });

    it("data dir marker: a marker the account made a link reads through the account's eyes, and the step refuses", () => {
        const w = world("marker-link");
        const before = w.snapshot();
        asAccount(`ln -s ${w.victims}/shadow ${w.own}/${CLUSTER_MARKER_FILE}`);
        const r = sh(dataDirScript({ dataDir: w.own, ...ACCOUNT, clusterToken: "tok-1" }));
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /cannot be read; not touching it/);
        assert.doesNotMatch(r.stdout + r.stderr, /precious/);
        assert.equal(w.snapshot(), before);
    });

    it("preflight: a marker linked to a root-only file is read as the data dir's owner, so nothing of that file is printed", () => {
        const w = world("preflight");
        asAccount(`ln -s ${w.victims}/shadow ${w.own}/${CLUSTER_MARKER_FILE}`);
        const r = sh(preflightScript({ dataDir: w.own, clusterToken: "tok-1", ports: [], clock: undefined }));
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /belongs to another etcd cluster/);
        assert.doesNotMatch(r.stdout + r.stderr, /precious/);
    });

    it("PKI: the directory becomes root's, links planted before and during the writes change nothing outside the set", () => {
        const w = world("pki");
        const before = w.snapshot();
        // An older layout left the PKI dir to the account, and it planted links at every name.
        const pki = w.own;
        const names = ["ca.crt", "server.key", ".tmp.server.key", ".tmp.ca.crt", SET_DATA_LINK, `${SET_DATA_LINK}.tmp`, "..gen.AAAAAAAA"];
        for (const n of names) asAccount(`ln -s ${w.victims}/shadow ${pki}/${n}`);
        const dirs = sh(configDirsScript({ configDir: path.join(w.root, "conf"), pkiDir: pki, ...ACCOUNT }));
        assert.equal(dirs.status, 0, dirs.stderr);
        const st = fs.statSync(pki);
        assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [0, gid(), 0o750]);

        const targets = [
            { path: `${pki}/ca.crt`, mode: "0644", owner: ACCOUNT.user, group: ACCOUNT.group },
            { path: `${pki}/server.key`, mode: "0600", owner: ACCOUNT.user, group: ACCOUNT.group },
        ];
        const race = planter(pki, names, `${w.victims}/sudoers`);
        try {
            for (let i = 0; i < 20; i++) {
                const r = sh(writeFileSetScript(targets), encodeFileBundle([`CA ${i}\n`, `KEY ${i}\n`]));
                assert.equal(r.status, 0, r.stderr);
                assert.equal(fs.readFileSync(`${pki}/ca.crt`, "utf8"), `CA ${i}\n`);
                assert.equal(fs.readFileSync(`${pki}/server.key`, "utf8"), `KEY ${i}\n`);
            }
        } finally {
            race.stop();
        }
        assert.equal(w.snapshot(), before);
        const key = fs.statSync(`${pki}/server.key`);
        assert.deepEqual([key.uid, key.mode & 0o777], [uid(), 0o600]);
        // One generation is left, and every name resolves into it.
        const gens = fs.readdirSync(pki).filter((n) => n.startsWith("..gen."));
        assert.equal(gens.length, 1, gens.join(" "));
        assert.equal(fs.readlinkSync(`${pki}/${SET_DATA_LINK}`), gens[0]);
        assert.equal(fs.readlinkSync(`${pki}/server.key`), `${SET_DATA_LINK}/server.key`);
    });

    it("single files: a directory another account can write is refused before anything is written", () => {
        const w = world("files");
        const before = w.snapshot();
        asAccount(`ln -s ${w.victims}/shadow ${w.own}/.tmp.etcd.conf.yml`);
        const r = sh(writeFilesScript([{ path: `${w.own}/etcd.conf.yml`, mode: "0640", owner: "root", group: "root" }]), encodeFileBundle(["name: h1\n"]));
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /must be a directory owned by root and writable by root alone/);
        assert.equal(w.snapshot(), before);
        assert.equal(fs.existsSync(`${w.own}/etcd.conf.yml`), false);
    });
});
