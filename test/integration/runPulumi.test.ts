// `npm run pulumi` (scripts/run.sh pulumi) and the sandbox secrets: which stacks get the public
// sandbox passphrase and the test bed's SSH key. A stand-in `pulumi` on PATH reports the
// environment it was given, with `dev` as the selected stack; nothing else of the machine is used
// (own cache, state dir and file backend under a temp dir).
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../support/sandboxStack";

const skip = process.getuid?.() === 0 ? false : "needs root (the sandbox record and the state dir are root's)";
const PASSPHRASE = "etcdhosts-sandbox-only";

const FAKE_PULUMI = `#!/bin/sh
# The selected stack is dev (the case of the hole); otherwise report what this run was given.
if [ "$1 $2" = "stack --show-name" ]; then echo dev; exit 0; fi
printf '{"passphrase": "%s", "keyFile": "%s", "keyStack": "%s"}\\n' \\
  "\${PULUMI_CONFIG_PASSPHRASE:-}" "\${ETCDHOSTS_SSH_KEY_FILE:-}" "\${ETCDHOSTS_SSH_KEY_STACK:-}"
`;

interface Given {
    passphrase: string;
    keyFile: string;
    keyStack: string;
}

describe("npm run pulumi: sandbox passphrase and key only for the stacks npm start recorded", { skip }, () => {
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let record: string;
    const backendDir = () => path.join(dir, "state");

    function run(args: string[], extra: NodeJS.ProcessEnv = {}): Given {
        const r = spawnSync("bash", [path.join(REPO_ROOT, "scripts/run.sh"), "pulumi", ...args], { env: { ...env, ...extra }, encoding: "utf8", timeout: 60_000 });
        assert.equal(r.status, 0, `run.sh pulumi ${args.join(" ")}\n${r.stderr}`);
        return JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as Given;
    }
    function stackFile(stack: string): string {
        return path.join(backendDir(), ".pulumi", "stacks", "etcdhosts", `${stack}.json`);
    }

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-runpulumi-"));
        fs.mkdirSync(path.join(dir, "bin"));
        fs.writeFileSync(path.join(dir, "bin", "pulumi"), FAKE_PULUMI, { mode: 0o755 });
        fs.mkdirSync(path.dirname(stackFile("dev")), { recursive: true });
        for (const s of ["dev", "bench-x", "prod"]) fs.writeFileSync(stackFile(s), "{}");
        const state = path.join(dir, "tbstate");
        record = path.join(state, "sandbox-stacks");
        env = {
            PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
            HOME: process.env.HOME,
            PULUMI_TOOLCHAIN: "system",
            ETCDHOSTS_CACHE: path.join(dir, "cache"),
            ETCDHOSTS_TESTBED_STATE: state,
            PULUMI_BACKEND_URL: `file://${backendDir()}`,
        };
        // What npm start writes after making the dev stack, in the state dir tb makes.
        const made = spawnSync(path.join(REPO_ROOT, "testbed/tb"), ["state-dir"], { env, encoding: "utf8" });
        assert.equal(made.stdout.trim(), state, made.stderr);
        const add = spawnSync(
            process.execPath,
            ["--require", "ts-node/register/transpile-only", path.join(REPO_ROOT, "scripts/lib/sandboxStacks.ts"), "add", record, "dev", "/keys/id_ed25519"],
            { env: { ...process.env, PULUMI_BACKEND_URL: env.PULUMI_BACKEND_URL }, encoding: "utf8", cwd: REPO_ROOT },
        );
        assert.equal(add.status, 0, add.stderr);
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("gives nothing to `stack init prod` while dev is selected (the hole)", () => {
        assert.deepEqual(run(["stack", "init", "prod"]), { passphrase: "", keyFile: "", keyStack: "" });
    });

    it("gives nothing to a stack for its name, or for being selected", () => {
        assert.deepEqual(run(["up", "-s", "bench-x"]), { passphrase: "", keyFile: "", keyStack: "" });
        assert.deepEqual(run(["stack", "output"]), { passphrase: "", keyFile: "", keyStack: "" });
    });

    it("gives the recorded dev stack its passphrase and key when the command names it", () => {
        const given = { passphrase: PASSPHRASE, keyFile: "/keys/id_ed25519", keyStack: "dev" };
        assert.deepEqual(run(["stack", "output", "-s", "dev"]), given);
        assert.deepEqual(run(["preview", "--stack=dev"]), given);
        // A passphrase of the caller's own is never replaced.
        assert.deepEqual(run(["stack", "output", "-s", "dev"], { PULUMI_CONFIG_PASSPHRASE: "mine" }), { ...given, passphrase: "mine" });
    });

    it("drops a key file the caller's environment holds for any other stack", () => {
        const r = run(["up", "-s", "prod"], { ETCDHOSTS_SSH_KEY_FILE: "/keys/id_ed25519", PULUMI_CONFIG_PASSPHRASE: "mine" });
        assert.deepEqual(r, { passphrase: "mine", keyFile: "", keyStack: "" });
    });

    it("gives nothing to a recorded stack that is gone or being created again", () => {
        fs.renameSync(stackFile("dev"), `${stackFile("dev")}.away`);
        try {
            assert.deepEqual(run(["stack", "select", "--create", "-s", "dev"]), { passphrase: "", keyFile: "", keyStack: "" });
            assert.deepEqual(run(["stack", "init", "-s", "dev"]), { passphrase: "", keyFile: "", keyStack: "" });
        } finally {
            fs.renameSync(`${stackFile("dev")}.away`, stackFile("dev"));
        }
    });

    it("ignores a record another account could have written", () => {
        fs.chownSync(record, 65534, 65534);
        try {
            assert.deepEqual(run(["stack", "output", "-s", "dev"]), { passphrase: "", keyFile: "", keyStack: "" });
        } finally {
            fs.chownSync(record, 0, 0);
        }
    });
});
