// The test bed acts as root: nothing another account writes may steer it, no rm -rf may reach
// past the bed's own trees, and what it mounts on the runner goes away with the last bed.
// Run as root: TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/e2e/testbedSafety.test.ts
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { SpawnSyncReturns, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TB } from "../support/testbed";

const TESTBED = path.dirname(TB);
const skip = process.getuid?.() === 0 ? false : "needs root (the bed's state dir is root's)";
const NOBODY = 65534;

function tb(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 120_000): SpawnSyncReturns<string> {
    return spawnSync(TB, args, { env: { ...process.env, ...env }, encoding: "utf8", timeout });
}

function tmpDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `etcdhosts-${prefix}-`));
}

describe("the bed's state dir is root's alone, and bed.env is data", { skip }, () => {
    let dir: string;
    let marker: string;
    before(() => {
        dir = tmpDir("tbstate");
        marker = path.join(dir, "ran");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /**
     * A state dir holding a bed.env that runs a command if it is sourced (issue 15, hole 5). Its
     * bed has a name of its own and no hosts: a tb that sourced it stops there, and acts on no
     * real bed's processes or network.
     */
    function plantedState(name: string, owner: number, mode: number): string {
        const state = path.join(dir, name);
        fs.mkdirSync(path.join(state, "planted"), { recursive: true });
        fs.writeFileSync(path.join(state, "planted", "bed.env"), `BED_PREFIX=$(touch ${marker})\nBED_HOSTS=0\n`);
        fs.chmodSync(state, mode);
        fs.chownSync(state, owner, owner);
        return state;
    }

    for (const [what, owner, mode, refusal] of [
        ["owned by nobody", NOBODY, 0o700, /state dir .* is not safe: owner uid 65534, mode 700/],
        ["root's but writable by others", 0, 0o777, /state dir .* is not safe: owner uid 0, mode 777/],
        ["root's, 0700, with code in bed.env", 0, 0o700, /bed\.env line 1: bad value for BED_PREFIX: refusing it/],
    ] as const) {
        it(`refuses a state dir ${what}, running nothing from it`, () => {
            const state = plantedState(what.replace(/\W+/g, "-"), owner, mode);
            for (const args of [["status", "--bed", "planted"], ["status", "--json", "--bed", "planted"], ["ssh", "--bed", "planted", "1", "true"]]) {
                const r = tb(args, { ETCDHOSTS_TESTBED_STATE: state });
                assert.notEqual(r.status, 0, `tb ${args.join(" ")} used ${state}:\n${r.stdout}`);
                assert.match(r.stderr, refusal, `tb ${args.join(" ")}`);
                assert.equal(fs.existsSync(marker), false, `tb ${args.join(" ")} ran the planted bed.env`);
            }
        });
    }

    it("refuses a state dir whose parent another account could swap it in", () => {
        const parent = path.join(dir, "open-parent");
        fs.mkdirSync(path.join(parent, "state"), { recursive: true, mode: 0o700 });
        fs.chmodSync(parent, 0o777);
        const r = tb(["status"], { ETCDHOSTS_TESTBED_STATE: path.join(parent, "state") });
        assert.notEqual(r.status, 0);
        assert.match(r.stderr, /its parent .*open-parent \(owner uid 0, mode 777\) lets another account replace it/);
    });

    it("makes a missing state dir root's with mode 0700, and the default one is not in /var/tmp", () => {
        const state = path.join(dir, "fresh");
        const r = tb(["state-dir"], { ETCDHOSTS_TESTBED_STATE: state });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout.trim(), state);
        const st = fs.statSync(state);
        assert.equal(st.uid, 0);
        assert.equal(st.mode & 0o7777, 0o700);
        const env = { ...process.env };
        delete env.ETCDHOSTS_TESTBED_STATE;
        const d = spawnSync(TB, ["state-dir"], { env, encoding: "utf8" });
        assert.equal(d.status, 0, d.stderr);
        assert.doesNotMatch(d.stdout, /^\/(var\/)?tmp\//);
    });
});

describe("rm -rf and rootfs scripts never reach past the bed's own trees", () => {
    let dir: string;
    before(() => {
        dir = tmpDir("tbguard");
        fs.mkdirSync(path.join(dir, "bin"));
        // Stand-ins that note they were reached: the scripts must stop before their first step.
        for (const tool of ["debootstrap", "apt-get", "chroot"]) {
            fs.writeFileSync(path.join(dir, "bin", tool), `#!/bin/sh\ntouch "${dir}/reached-${tool}"\nexit 1\n`, { mode: 0o755 });
        }
        fs.writeFileSync(path.join(dir, "images.env"), "");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function runImageScript(script: string, rootfs: string[]): SpawnSyncReturns<string> {
        const env = { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, TB_SUITE: "bookworm", TB_MIRROR: "http://127.0.0.1:9/debian", TB_SSH_PUBKEY: "/nonexistent.pub", KUBELET_BIN_DIR: dir, IMAGES_DIR: dir };
        return spawnSync("bash", [path.join(TESTBED, script), ...rootfs], { env, encoding: "utf8", timeout: 60_000 });
    }

    for (const script of ["image/base.sh", "variants/kubelet/image.sh"]) {
        for (const rootfs of [[], [""], ["/"], ["//"], ["relative/rootfs"], ["/tmp/.."]]) {
            it(`${script} refuses rootfs ${JSON.stringify(rootfs)} before its first step`, () => {
                const r = runImageScript(script, rootfs);
                assert.equal(r.status, 2, r.stderr);
                assert.match(r.stderr, /refusing rootfs path/);
                assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith("reached-")), []);
            });
        }
    }

    it("remove_tree refuses anything outside the state dir and the image cache, and the roots themselves", () => {
        const victim = path.join(dir, "victim");
        fs.mkdirSync(victim);
        fs.writeFileSync(path.join(victim, "keep"), "");
        const state = path.join(dir, "state");
        const env = { ...process.env, ETCDHOSTS_TESTBED_STATE: state, ETCDHOSTS_CACHE: path.join(dir, "cache") };
        fs.mkdirSync(path.join(state, "bed", "hosts"), { recursive: true });
        for (const target of [victim, "", "relative", state, path.join(dir, "cache", "testbed", "images"), `${state}/../victim`, `${state}/bed/../../victim`]) {
            const r = spawnSync("bash", ["-c", `set -euo pipefail; . "${TESTBED}/lib/common.sh"; remove_tree "$1"`, "_", target], { env, encoding: "utf8" });
            assert.notEqual(r.status, 0, `remove_tree ${JSON.stringify(target)} was let through`);
            assert.match(r.stderr, /refusing to remove/);
        }
        assert.ok(fs.existsSync(path.join(victim, "keep")), "the victim was removed");
        assert.ok(fs.existsSync(state));
        // Inside a root it works.
        const ok = spawnSync("bash", ["-c", `set -euo pipefail; . "${TESTBED}/lib/common.sh"; remove_tree "$1"`, "_", path.join(state, "bed", "hosts")], { env, encoding: "utf8" });
        assert.equal(ok.status, 0, ok.stderr);
        assert.equal(fs.existsSync(path.join(state, "bed", "hosts")), false);
    });
});

/** The mount on the runner's /run/systemd/nspawn, if any: [fstype, source]. */
function nspawnRunMount(): string[] | undefined {
    const lines = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((l) => l.split(" ")[4] === "/run/systemd/nspawn");
    return lines.length === 0 ? undefined : lines[lines.length - 1].split(" - ")[1].split(" ").slice(0, 2);
}

/** Live systemd-nspawn processes (a zombie runs nothing). */
function liveNspawns(): string[] {
    return fs.readdirSync("/proc").filter((p) => {
        try {
            const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
            return stat.includes("(systemd-nspawn)") && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
        } catch {
            return false;
        }
    });
}

describe("the nspawn tmpfs goes away with the last bed, whatever state dir each bed has", { skip, timeout: 10 * 60_000 }, () => {
    const beds = [
        { bed: "tmpfsa", state: "" },
        { bed: "tmpfsb", state: "" },
    ];
    before(() => {
        for (const b of beds) b.state = path.join(tmpDir(`tbstate-${b.bed}`), "state");
    });
    after(() => {
        for (const b of beds) {
            tb(["down", "--bed", b.bed], { ETCDHOSTS_TESTBED_STATE: b.state });
            fs.rmSync(path.dirname(b.state), { recursive: true, force: true });
        }
    });

    it("is released when the second of two beds in two state dirs goes down", (t) => {
        if (nspawnRunMount() !== undefined || liveNspawns().length > 0) {
            t.skip("another bed or nspawn of this machine uses /run/systemd/nspawn: nothing to judge");
            return;
        }
        for (const b of beds) {
            const r = tb(["up", "1", "--bed", b.bed], { ETCDHOSTS_TESTBED_STATE: b.state }, 600_000);
            assert.equal(r.status, 0, r.stderr);
        }
        assert.deepEqual(nspawnRunMount(), ["tmpfs", "etcdhosts-testbed"]);
        // First down: the other bed still runs on it.
        assert.equal(tb(["down", "--bed", beds[0].bed], { ETCDHOSTS_TESTBED_STATE: beds[0].state }).status, 0);
        assert.deepEqual(nspawnRunMount(), ["tmpfs", "etcdhosts-testbed"], "released under a running bed");
        // Last down: no bed left, so nothing may stay mounted over the runner's /run/systemd/nspawn.
        assert.equal(tb(["down", "--bed", beds[1].bed], { ETCDHOSTS_TESTBED_STATE: beds[1].state }).status, 0);
        assert.equal(nspawnRunMount(), undefined, "the tmpfs stayed mounted after the last bed went down");
    });
});
