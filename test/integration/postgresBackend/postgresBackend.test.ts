// The PostgreSQL state backend end to end: `npm run backend -- postgres start` runs a throwaway
// PostgreSQL (Debian's packages) on 127.0.0.1, the pinned CLI runs `up` of a small program with
// PULUMI_BACKEND_URL=postgres://..., a second `up` of the same stack while the first runs is
// refused by the stack's lock (a row in the backend's table) with the CLI's message, the first
// completes, and `stack export` matches both the outputs and the checkpoint row in PostgreSQL.
// The program is one local.Command that sleeps (program/): the backend is under test, not the
// hosts, and a test-bed cluster would only make it slower.
// Run through `npm test` (the CLI and the command plugin on PATH / PULUMI_HOME); needs PostgreSQL
// installed (scripts/prereqs.sh) and, as root, the packages' `postgres` user.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "../../..");
const BACKEND = path.join(REPO_ROOT, "scripts/backend.sh");
const STACK = "e2e-postgres-backend";
// The throwaway stack's passphrase, in a throwaway backend; it protects nothing else.
const PASSPHRASE = "postgres-backend-test-only";
const HOLD_SECONDS = 12;

/** A free TCP port on loopback (asked of the kernel, then released for PostgreSQL). */
async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const port = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(port));
        });
    });
}

interface Result {
    status: number | null;
    output: string;
}

describe("PostgreSQL state backend: up, lock contention, stack export", { timeout: 10 * 60_000 }, () => {
    let scratch: string;
    let pgDir: string;
    let workDir: string;
    let url: string;
    let env: NodeJS.ProcessEnv;

    before(async () => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "postgres-backend-e2e-"));
        // As root the server runs as the `postgres` user, which must be able to reach its dir.
        fs.chmodSync(scratch, 0o711);
        pgDir = path.join(scratch, "pg");
        workDir = path.join(scratch, "project");
        fs.mkdirSync(workDir);
        const port = await freePort();
        url = execFileSync("bash", [BACKEND, "postgres", "start", "--dir", pgDir, "--port", String(port)], { encoding: "utf8" }).trim();
        assert.match(url, new RegExp(`^postgres://pulumi:[0-9a-f]+@127\\.0\\.0\\.1:${port}/pulumi\\?sslmode=disable$`));
        // The program runs from a copy, so its stack settings file never lands in the checkout.
        for (const file of ["Pulumi.yaml", "index.ts"]) {
            fs.copyFileSync(path.join(__dirname, "program", file), path.join(workDir, file));
        }
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(workDir, "node_modules"));
        env = { ...process.env, PULUMI_BACKEND_URL: url, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE };
        delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
        pulumi("stack", "init", STACK, "--secrets-provider", "passphrase");
        pulumi("config", "set", "-s", STACK, "holdSeconds", String(HOLD_SECONDS));
        pulumi("config", "set", "-s", STACK, "version", "v1");
    });

    after(() => {
        if (env) {
            spawnSync("pulumi", ["destroy", "--yes", "--skip-preview", "-s", STACK], { cwd: workDir, env, encoding: "utf8" });
            spawnSync("pulumi", ["stack", "rm", "--yes", "--force", "-s", STACK], { cwd: workDir, env, encoding: "utf8" });
        }
        if (pgDir) spawnSync("bash", [BACKEND, "postgres", "stop", "--dir", pgDir], { stdio: "inherit" });
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    /** A pulumi command that must succeed; its stdout. */
    function pulumi(...args: string[]): string {
        return execFileSync("pulumi", args, { cwd: workDir, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    }

    /** A pulumi command run in the background, its output collected. */
    function pulumiAsync(...args: string[]): { child: ChildProcess; done: Promise<Result> } {
        const child = spawn("pulumi", args, { cwd: workDir, env, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
        const done = new Promise<Result>((resolve) => child.on("close", (status) => resolve({ status, output })));
        return { child, done };
    }

    /** A query on the backend's database, as the backend's own role (the password from the URL, by environment). */
    function query(sql: string): string[] {
        const u = new URL(url);
        const out = execFileSync("psql", ["-X", "-At", "-h", u.hostname, "-p", u.port, "-U", u.username, "-d", u.pathname.slice(1), "-c", sql], {
            env: { ...process.env, PGPASSWORD: u.password },
            encoding: "utf8",
        });
        return out.split("\n").filter((l) => l !== "");
    }

    const lockKeys = () => query(`SELECT key FROM pulumi_state WHERE key LIKE '%/.pulumi/locks/%/${STACK}/%'`);

    it("refuses a second concurrent up by the lock while the first completes, and exports what PostgreSQL holds", async (t) => {
        const first = pulumiAsync("up", "--yes", "--skip-preview", "-s", STACK);
        // The first up's lock is a row in PostgreSQL from its start until it ends.
        const deadline = Date.now() + 60_000;
        while (lockKeys().length === 0) {
            assert.ok(Date.now() < deadline, "the first up took no lock within 60 s");
            assert.equal(first.child.exitCode, null, "the first up ended before taking its lock");
            await new Promise((r) => setTimeout(r, 250));
        }
        t.diagnostic(`lock held: ${lockKeys().join(", ")}`);

        const second = spawnSync("pulumi", ["up", "--yes", "--skip-preview", "-s", STACK], { cwd: workDir, env, encoding: "utf8" });
        const secondOutput = second.stdout + second.stderr;
        assert.notEqual(second.status, 0, `the second up was not refused:\n${secondOutput}`);
        assert.match(secondOutput, /the stack is currently locked by 1 lock\(s\)\. Either wait for the other process\(es\) to end/);
        assert.match(secondOutput, /created by \S+ \(pid \d+\) at /);
        assert.equal(first.child.exitCode, null, "the refused up must not end the first one");
        // The URL's password never shows in the CLI's message.
        assert.doesNotMatch(secondOutput, new RegExp(new URL(url).password));

        const result = await first.done;
        assert.equal(result.status, 0, `the first up failed:\n${result.output}`);
        assert.match(result.output, /created-v1/);
        assert.deepEqual(lockKeys(), [], "the lock is released when the first up ends");

        const exported = JSON.parse(pulumi("stack", "export", "-s", STACK)) as { deployment: { resources: { urn: string; type: string; outputs?: Record<string, unknown> }[] } };
        const held = exported.deployment.resources.find((r) => r.type === "command:local:Command");
        assert.equal(held?.outputs?.stdout, "created-v1");
        const outputs = JSON.parse(pulumi("stack", "output", "--json", "-s", STACK)) as Record<string, unknown>;
        assert.deepEqual(outputs, { stdout: "created-v1" });
        // The checkpoint row in PostgreSQL holds exactly the exported resources (the backend keeps
        // each file as {"data": <base64 of the file>} in its table).
        const rows = query(`SELECT data->>'data' FROM pulumi_state WHERE key LIKE '%/.pulumi/stacks/postgresBackend/${STACK}.json'`);
        assert.equal(rows.length, 1, "one checkpoint row for the stack");
        const checkpoint = JSON.parse(Buffer.from(rows[0], "base64").toString("utf8")) as { checkpoint: { latest: typeof exported.deployment } };
        assert.deepEqual(checkpoint.checkpoint.latest.resources, exported.deployment.resources);
    });
});
