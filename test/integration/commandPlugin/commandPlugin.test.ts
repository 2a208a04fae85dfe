// The command plugin end to end: the pinned `pulumi` CLI runs a TypeScript program with one
// remote.Command (over SSH to a loopback sshd) and one local.Command through create, an
// in-place update, a trigger replacement and destroy, and the test checks which steps the
// engine planned and which commands really ran. Run through `npm test` (scripts/run.sh puts
// the CLI and the plugins on PATH / PULUMI_HOME); needs root for sshd.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigMap, EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { Sshd, startSshd } from "./sshdFixture";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const PROGRAM_DIR = path.join(__dirname, "program");
const STACK = "e2e-command-plugin";
// The throwaway stack lives in a throwaway backend; this passphrase protects nothing else.
const PASSPHRASE = "command-plugin-test-only";

const REMOTE_TYPE = "command:remote:Command";
const LOCAL_TYPE = "command:local:Command";

interface Run {
    /** Every step the engine took, per resource type, in order. */
    ops: Map<string, string[]>;
    outputs: Record<string, unknown>;
}

describe("command plugin: remote.Command and local.Command through a real `pulumi up`", { timeout: 15 * 60_000 }, () => {
    let sshd: Sshd;
    let scratch: string;
    let markerDir: string;
    let stack: Stack;
    const transcript: string[] = [];

    before(async () => {
        sshd = await startSshd();
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "command-plugin-e2e-"));
        markerDir = path.join(scratch, "markers");
        const workDir = path.join(scratch, "project");
        const stateDir = path.join(scratch, "state");
        for (const dir of [markerDir, workDir, stateDir]) fs.mkdirSync(dir);
        // The program runs from a copy, so the stack's settings file never lands in the checkout.
        for (const file of ["Pulumi.yaml", "index.ts"]) {
            fs.copyFileSync(path.join(PROGRAM_DIR, file), path.join(workDir, file));
        }
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(workDir, "node_modules"));
        const ws = await LocalWorkspace.create({
            workDir,
            envVars: { PULUMI_BACKEND_URL: `file://${stateDir}`, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE },
        });
        stack = await Stack.create(STACK, ws);
        await stack.setAllConfig(config("v1", "t1"));
    });

    after(async () => {
        await sshd?.stop();
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    function config(version: string, trigger: string): ConfigMap {
        return {
            "commandPlugin:host": { value: sshd.host },
            "commandPlugin:port": { value: String(sshd.port) },
            "commandPlugin:user": { value: sshd.user },
            "commandPlugin:privateKey": { value: sshd.privateKey, secret: true },
            "commandPlugin:hostKey": { value: sshd.hostKey },
            "commandPlugin:markerDir": { value: markerDir },
            "commandPlugin:version": { value: version },
            "commandPlugin:trigger": { value: trigger },
        };
    }

    function recorder(): { ops: Map<string, string[]>; onEvent: (e: EngineEvent) => void } {
        const ops = new Map<string, string[]>();
        return {
            ops,
            onEvent: (e) => {
                const meta = e.resourcePreEvent?.metadata;
                if (!meta) return;
                ops.set(meta.type, [...(ops.get(meta.type) ?? []), meta.op]);
            },
        };
    }

    async function up(): Promise<Run> {
        const { ops, onEvent } = recorder();
        const result = await stack.up({ onEvent, onOutput: (o) => transcript.push(o) });
        const outputs = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value]));
        return { ops, outputs };
    }

    function markers(file: string): string[] {
        const p = path.join(markerDir, file);
        return fs.existsSync(p) ? fs.readFileSync(p, "utf8").trim().split("\n") : [];
    }

    function assertSteps(run: { ops: Map<string, string[]> }, expected: string[]): void {
        for (const type of [REMOTE_TYPE, LOCAL_TYPE]) {
            assert.deepEqual(run.ops.get(type) ?? [], expected, `engine steps for ${type}`);
        }
    }

    it("creates both commands, running each create once", async () => {
        const run = await up();
        assertSteps(run, ["create"]);
        assert.deepEqual(markers("remote.log"), ["create-v1"]);
        assert.deepEqual(markers("local.log"), ["create-v1"]);
        assert.equal(run.outputs.remoteStdout, "create-v1");
        assert.equal(run.outputs.localStdout, "create-v1");
    });

    it("plans nothing and runs nothing when no input changed", async () => {
        const { ops, onEvent } = recorder();
        const preview = await stack.preview({ onEvent, onOutput: (o) => transcript.push(o) });
        assertSteps({ ops }, ["same"]);
        assert.equal(preview.changeSummary.update ?? 0, 0);
        assert.deepEqual(markers("remote.log"), ["create-v1"]);
    });

    it("updates in place, running `update`, when stdin changes", async () => {
        await stack.setAllConfig(config("v2", "t1"));
        const run = await up();
        assertSteps(run, ["update"]);
        assert.deepEqual(markers("remote.log"), ["create-v1", "update-v2"]);
        assert.deepEqual(markers("local.log"), ["create-v1", "update-v2"]);
        assert.equal(run.outputs.remoteStdout, "update-v2");
    });

    it("replaces both commands when a trigger changes", async () => {
        await stack.setAllConfig(config("v2", "t2"));
        const run = await up();
        // Create-before-delete: the replacement's create runs, then the old resource's delete.
        assertSteps(run, ["create-replacement", "replace", "delete-replaced"]);
        assert.deepEqual(markers("remote.log"), ["create-v1", "update-v2", "create-v2", "delete-v2"]);
        assert.deepEqual(markers("local.log"), ["create-v1", "update-v2", "create-v2", "delete-v2"]);
        assert.equal(run.outputs.remoteStdout, "create-v2");
    });

    it("runs each delete on destroy", async () => {
        const { ops, onEvent } = recorder();
        await stack.destroy({ onEvent, onOutput: (o) => transcript.push(o) });
        assertSteps({ ops }, ["delete"]);
        assert.deepEqual(markers("remote.log"), ["create-v1", "update-v2", "create-v2", "delete-v2", "delete-v2"]);
        assert.deepEqual(markers("local.log"), ["create-v1", "update-v2", "create-v2", "delete-v2", "delete-v2"]);
        await stack.workspace.removeStack(STACK);
    });

    it("never printed the SSH private key", () => {
        const keyLines = sshd.privateKey.trim().split("\n").slice(1, -1);
        const printed = transcript.join("");
        for (const line of keyLines) assert.ok(!printed.includes(line), "a line of the private key was printed");
    });
});
