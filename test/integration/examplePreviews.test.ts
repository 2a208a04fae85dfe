// Every example stack file previews with the real CLI and plugins while its hosts are unreachable:
// a preview plans the whole graph and touches no host. The example addresses (10.240.0.0/24,
// the dev stack's 10.213.0.0/24 with no test bed up) are never dialled; a preview that tried
// would fail on its SSH dial limit instead of succeeding.
// Run: source toolchain/env.sh && TS_NODE_TRANSPILE_ONLY=true node --require ts-node/register --test test/integration/examplePreviews.test.ts
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { REPO_ROOT, SandboxStack, StackConfig, preview, sandboxStack } from "../support/sandboxStack";

const EXAMPLES = fs
    .readdirSync(REPO_ROOT)
    .filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f))
    .map((f) => f.slice("Pulumi.".length, -".yaml".length))
    .sort();

/** A stack file's project config, keys without the `etcdhosts:` prefix. */
function exampleConfig(name: string): StackConfig {
    const doc = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${name}.yaml`), "utf8")) as { config?: Record<string, unknown> };
    return Object.fromEntries(Object.entries(doc.config ?? {}).map(([k, v]) => [k.replace(/^etcdhosts:/, ""), v]));
}

describe("example stacks preview with their hosts unreachable", () => {
    const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-preview-key-"));
    const keyFile = path.join(keyDir, "id_ed25519");
    // A throwaway key: the program needs one to build connections, no host ever sees it.
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "etcdhosts-preview", "-f", keyFile]);
    const stacks: SandboxStack[] = [];

    after(async () => {
        for (const s of stacks) {
            await s.stack.workspace.removeStack(s.stack.name, { force: true }).catch(() => undefined);
            fs.rmSync(s.workDir, { recursive: true, force: true });
        }
        fs.rmSync(keyDir, { recursive: true, force: true });
    });

    it("finds the three layouts' examples", () => {
        assert.deepEqual(EXAMPLES, ["dev", "pc-master", "static-pod"]);
    });

    for (const example of EXAMPLES) {
        it(`Pulumi.${example}.yaml`, { timeout: 10 * 60_000 }, async (t) => {
            const config = exampleConfig(example);
            // The dev stack's host keys come from the running test bed (npm start sets knownHosts);
            // here a throwaway key stands in for them, as no host is ever dialled.
            if (example === "dev" && config.knownHosts === undefined) {
                const pub = fs.readFileSync(`${keyFile}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
                config.knownHosts = (config.nodes as { address: string }[]).map((n) => `${n.address} ${pub}`).join("\n");
            }
            const s = await sandboxStack(`e2e-preview-${example}`, config, { sshKeyFile: keyFile });
            stacks.push(s);
            const t0 = Date.now();
            const result = await preview(s);
            t.diagnostic(`preview took ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(result.changeSummary)}`);
            const nodes = config.nodes as unknown[];
            // Everything is planned as a create, nothing else: per member at least a server and a
            // peer certificate, its files and its service.
            assert.deepEqual(Object.keys(result.changeSummary), ["create"]);
            assert.ok((result.changeSummary.create ?? 0) >= 10 * nodes.length, JSON.stringify(result.changeSummary));
            // The key never shows in what the CLI printed.
            const keyBody = fs.readFileSync(keyFile, "utf8").split("\n").filter((l) => l && !l.startsWith("-----")).join("");
            assert.ok(!s.transcript.join("\n").replace(/\s/g, "").includes(keyBody), "SSH key in CLI output");
        });
    }
});
