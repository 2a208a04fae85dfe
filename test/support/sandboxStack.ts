// Throwaway stacks of this project for end-to-end tests and benchmarks, driven through the
// Automation API with the real `pulumi` CLI and plugins that scripts/run.sh put on PATH.
//
// Each stack gets its own work directory outside the checkout: the project's program is linked
// in, and the stack's settings file is written there, so tests never touch the repo's
// Pulumi.<stack>.yaml files. Stack names start with `e2e-` or `bench-`: sandbox stacks this code
// creates, so it hands them the documented sandbox passphrase itself (never a real
// environment's); `npm run pulumi` gives it to no stack because of its name.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DestroyResult, LocalWorkspace, PreviewResult, Stack } from "@pulumi/pulumi/automation";
import * as YAML from "yaml";
import type { Inventory } from "./testbed";
import { removeDeadLocks } from "../../scripts/lib/deadLocks";

export const REPO_ROOT = path.resolve(__dirname, "../..");
const SANDBOX_PASSPHRASE = "etcdhosts-sandbox-only";
const PROJECT_ENTRIES = ["index.ts", "components", "stacks", "node_modules", "package.json", "tsconfig.json", "Pulumi.yaml"];
/**
 * What every sandbox stack gets unless its config says otherwise: a destroy also removes the
 * members' data dirs (README: "The dev and sandbox stacks turn it on"), so a throwaway stack
 * leaves nothing on the hosts.
 */
export const SANDBOX_DEFAULTS: StackConfig = { wipeDataOnDestroy: true };

/** Project config as written in a stack file: keys without the `etcdhosts:` prefix. */
export type StackConfig = Record<string, unknown>;

export interface SandboxStack {
    stack: Stack;
    workDir: string;
    /** Everything the CLI printed in this stack's operations, for the secret-leak checks. */
    transcript: string[];
    /** Rewrite the stack's config (replaces every key). */
    setConfig(config: StackConfig): void;
    /** Destroy the stack's resources and remove the stack and its work dir. */
    dispose(): Promise<void>;
}

/** The config that points a layout at a bed's hosts. */
export function bedNodes(inventory: Inventory, count = inventory.hosts.length): StackConfig[] {
    return inventory.hosts.slice(0, count).map((h) => ({ name: h.name, address: h.address }));
}

function writeStackFile(workDir: string, stackName: string, config: StackConfig): void {
    const file = path.join(workDir, `Pulumi.${stackName}.yaml`);
    // Keep the encryption salt the CLI wrote when the stack was created.
    const previous = fs.existsSync(file) ? (YAML.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown> | null) : null;
    const doc: Record<string, unknown> = {};
    if (previous?.encryptionsalt !== undefined) doc.encryptionsalt = previous.encryptionsalt;
    doc.config = Object.fromEntries(Object.entries({ ...SANDBOX_DEFAULTS, ...config }).map(([k, v]) => [`etcdhosts:${k}`, v]));
    fs.writeFileSync(file, YAML.stringify(doc));
}

/**
 * A fresh stack `name` (an `e2e-`/`bench-` name) with the given config. The SSH key defaults to
 * the bed's sandbox key through ETCDHOSTS_SSH_KEY_FILE (read by the program as a secret), with
 * ETCDHOSTS_SSH_KEY_STACK naming the one stack it is meant for.
 */
export async function sandboxStack(name: string, config: StackConfig, opts: { sshKeyFile?: string | null } = {}): Promise<SandboxStack> {
    if (!/^(e2e|bench)-/.test(name)) throw new Error(`sandbox stack names start with e2e- or bench-, got ${name}`);
    // Without it the CLI would go for Pulumi Cloud: the sandbox state stays in the local file
    // backend that toolchain/env.sh names.
    if (!process.env.PULUMI_BACKEND_URL?.startsWith("file://")) {
        throw new Error(`PULUMI_BACKEND_URL must name a file:// backend (source toolchain/env.sh), got ${JSON.stringify(process.env.PULUMI_BACKEND_URL ?? "")}`);
    }
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `etcdhosts-${name}-`));
    for (const entry of PROJECT_ENTRIES) {
        if (entry === "Pulumi.yaml") fs.copyFileSync(path.join(REPO_ROOT, entry), path.join(workDir, entry));
        else fs.symlinkSync(path.join(REPO_ROOT, entry), path.join(workDir, entry));
    }
    const envVars: Record<string, string> = { PULUMI_CONFIG_PASSPHRASE: SANDBOX_PASSPHRASE };
    if (opts.sshKeyFile) Object.assign(envVars, { ETCDHOSTS_SSH_KEY_FILE: opts.sshKeyFile, ETCDHOSTS_SSH_KEY_STACK: name });
    const ws = await LocalWorkspace.create({ workDir, envVars });
    // A leftover of an interrupted run with the same name must not leak into this one: neither
    // its state nor the lock its dead CLI left behind ("the stack is currently locked").
    removeDeadLocks(name);
    await ws.removeStack(name, { force: true }).catch(() => undefined);
    writeStackFile(workDir, name, config);
    const stack = await Stack.create(name, ws);
    const transcript: string[] = [];
    return {
        stack,
        workDir,
        transcript,
        setConfig: (c) => writeStackFile(workDir, name, c),
        dispose: async () => {
            // Safe to call twice (a test's own teardown, then an `after` that runs on failure).
            if (!fs.existsSync(workDir)) return;
            try {
                await stack.destroy({ onOutput: (o) => transcript.push(o), color: "never" });
                await ws.removeStack(name);
            } finally {
                fs.rmSync(workDir, { recursive: true, force: true });
            }
        },
    };
}

/** Run `up`, keeping its output in the transcript; returns the stack's outputs. */
export async function up(s: SandboxStack): Promise<Record<string, unknown>> {
    const result = await s.stack.up({ onOutput: (o) => s.transcript.push(o), color: "never" });
    s.transcript.push(JSON.stringify(result.summary));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(result.outputs)) out[k] = v.value;
    return out;
}

/** Run `preview` (e.g. `{ expectNoChanges: true }`), keeping its output in the transcript. */
export async function preview(s: SandboxStack, opts: { expectNoChanges?: boolean } = {}): Promise<PreviewResult> {
    const result = await s.stack.preview({ ...opts, onOutput: (o) => s.transcript.push(o), color: "never" });
    s.transcript.push(JSON.stringify(result.changeSummary));
    return result;
}

/** Run `destroy` and keep the stack (unlike dispose()), keeping its output in the transcript. */
export async function destroy(s: SandboxStack): Promise<DestroyResult> {
    const result = await s.stack.destroy({ onOutput: (o) => s.transcript.push(o), color: "never" });
    s.transcript.push(JSON.stringify(result.summary));
    return result;
}

/** The stack's checkpoint file in the local file backend (`PULUMI_BACKEND_URL`). */
export function stateFile(s: SandboxStack): string {
    const backend = process.env.PULUMI_BACKEND_URL ?? "";
    return path.join(backend.replace(/^file:\/\//, ""), ".pulumi", "stacks", "etcdhosts", `${s.stack.name}.json`);
}
