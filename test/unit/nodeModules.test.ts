// scripts/lib/nodeModules.sh: when `npm start`/`npm test` run `npm ci`. Run against a scratch
// project with a stand-in `npm` first on PATH that records its calls and fakes an install, so the
// decision is tested without the registry.

import { describe, it, beforeEach } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "./helpers";

const SCRIPT = path.join(ROOT, "scripts/lib/nodeModules.sh");

let dir: string;
let bin: string;

function run(cmd: "check" | "ensure") {
    const r = spawnSync("bash", [SCRIPT, cmd, dir], {
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NODE_MODULES_QUIET: "" },
    });
    return { status: r.status, stderr: r.stderr, npmCalls: fs.existsSync(path.join(dir, "npm-calls")) ? fs.readFileSync(path.join(dir, "npm-calls"), "utf8").trim().split("\n") : [] };
}

beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "nodemodules-"));
    bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    // `npm ci` removes node_modules and installs it afresh; the stand-in does the same, minus the packages.
    fs.writeFileSync(path.join(bin, "npm"), '#!/bin/sh\necho "$*" >>npm-calls\nrm -rf node_modules && mkdir node_modules\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "package-lock.json"), '{"lockfileVersion": 3}\n');
});

describe("nodeModules.sh", () => {
    it("installs when node_modules is missing, records the lockfile, then installs nothing", () => {
        assert.equal(run("check").status, 1);
        const first = run("ensure");
        assert.equal(first.status, 0);
        assert.deepEqual(first.npmCalls, ["ci --no-audit --no-fund"]);
        assert.match(first.stderr, /setup: node_modules is missing: installing the npm packages \(npm ci\)/);
        assert.equal(run("check").status, 0);
        const second = run("ensure");
        assert.deepEqual(second.npmCalls, ["ci --no-audit --no-fund"], "no second npm ci");
        assert.match(second.stderr, /setup: node_modules matches package-lock.json/);
    });

    it("installs again when package-lock.json changes", () => {
        run("ensure");
        fs.writeFileSync(path.join(dir, "package-lock.json"), '{"lockfileVersion": 3, "packages": {}}\n');
        assert.equal(run("check").status, 1);
        const r = run("ensure");
        assert.equal(r.npmCalls.length, 2);
        assert.match(r.stderr, /package-lock.json changed since node_modules was installed/);
    });

    it("installs when node_modules exists without a record (an install it did not make)", () => {
        fs.mkdirSync(path.join(dir, "node_modules"));
        const r = run("ensure");
        assert.equal(r.npmCalls.length, 1);
        assert.match(r.stderr, /node_modules was not installed by this project's set-up/);
    });

    it("records nothing when npm ci fails, so the next run tries again", () => {
        fs.writeFileSync(path.join(bin, "npm"), '#!/bin/sh\necho "$*" >>npm-calls\nmkdir -p node_modules\nexit 1\n', { mode: 0o755 });
        assert.notEqual(run("ensure").status, 0);
        assert.equal(fs.existsSync(path.join(dir, "node_modules/.etcdhosts-lock-hash")), false);
        assert.equal(run("check").status, 1);
    });
});
