import { test } from "node:test";
import * as assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { procInfo, removeDeadLocks } from "../../scripts/lib/deadLocks";

const asRoot = process.getuid?.() === 0 ? false : "needs root (a PID namespace of its own)";

/** A file backend with one stack's lock dir; `write` adds a lock, `check` runs removeDeadLocks. */
function backend(run: (b: { write: (name: string, pid: number, timestamp?: Date, hostname?: string) => void; check: () => string[]; left: () => string[] }) => Promise<void> | void) {
    return async () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-locks-"));
        const dir = path.join(root, ".pulumi", "locks", "organization", "etcdhosts", "e2e-x");
        fs.mkdirSync(dir, { recursive: true });
        try {
            await run({
                write: (name, pid, timestamp = new Date(), hostname = os.hostname()) =>
                    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ pid, username: "root", hostname, timestamp: timestamp.toISOString() })),
                check: () => removeDeadLocks("e2e-x", `file://${root}`).map((f) => path.basename(f)),
                left: () => fs.readdirSync(dir).sort(),
            });
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    };
}

/** Prints what `sh -c script` echoes first, leaving the process running. */
function startShell(args: string[]): Promise<{ child: ChildProcess; firstLine: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(args[0], args.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
        let out = "";
        child.on("error", reject);
        child.stdout!.setEncoding("utf8").on("data", (d: string) => {
            out += d;
            if (out.includes("\n")) resolve({ child, firstLine: out.split("\n")[0].trim() });
        });
    });
}

test(
    "removeDeadLocks: removes the locks of dead processes of this machine, keeps live and foreign ones",
    backend(({ write, check, left }) => {
        // A pid that surely ran and ended.
        const dead = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim();
        write("dead", Number(dead));
        // Taken now, by this process: it started before.
        write("live", process.pid);
        write("foreign", Number(dead), new Date(), `${os.hostname()}-other`);

        assert.deepEqual(check(), ["dead.json"]);
        assert.deepEqual(left(), ["foreign.json", "live.json"]);
        // Other backends and absent stacks: nothing to do.
        assert.deepEqual(removeDeadLocks("e2e-x", "s3://bucket"), []);
        assert.deepEqual(removeDeadLocks("e2e-none", "file:///nonexistent"), []);
    }),
);

test(
    "removeDeadLocks: a lock whose pid now belongs to a process started after the lock was taken is dead",
    backend(({ write, check, left }) => {
        const started = procInfo(process.pid)!.startMs;
        // The pid was reused: the CLI that took the lock an hour before this process began is gone.
        write("reused", process.pid, new Date(started - 3600_000));
        write("live", process.pid, new Date(started + 5_000));
        assert.deepEqual(check(), ["reused.json"]);
        assert.deepEqual(left(), ["live.json"]);
    }),
);

test(
    "removeDeadLocks: a zombie holds no lock",
    backend(async ({ write, check, left }) => {
        // The background job exits a second later, once the shell has become `sleep 30`, which
        // never reaps it. (A job that exits at once can be reaped by the shell before its exec,
        // and then no zombie ever appears: that raced on a loaded machine.)
        const { child, firstLine } = await startShell(["sh", "-c", "sleep 1 & echo $!; exec sleep 30"]);
        try {
            const zombie = Number(firstLine);
            const deadline = Date.now() + 10_000;
            while (!procInfo(zombie)?.zombie) {
                assert.ok(Date.now() < deadline, `pid ${zombie} never became a zombie`);
                await new Promise((r) => setTimeout(r, 20));
            }
            write("zombie", zombie);
            assert.deepEqual(check(), ["zombie.json"]);
            assert.deepEqual(left(), []);
        } finally {
            child.kill("SIGKILL");
        }
    }),
);

test(
    "removeDeadLocks: judges pids in the holder's own PID namespace",
    { skip: asRoot },
    backend(async ({ write, check, left }) => {
        // A "CLI" in a PID namespace of its own, under a number no process has here.
        const pidMax = Number(fs.readFileSync("/proc/sys/kernel/pid_max", "utf8"));
        let inner = pidMax - 500 - Math.floor(Math.random() * 1000);
        while (fs.existsSync(`/proc/${inner}`)) inner--;
        const script = `echo ${inner - 1} > /proc/sys/kernel/ns_last_pid; sleep 60 & echo $!; wait`;
        const { child, firstLine } = await startShell(["unshare", "--pid", "--fork", "--kill-child", "--mount-proc", "sh", "-c", script]);
        try {
            assert.equal(Number(firstLine), inner, "the namespaced sleep did not get the pid asked for");
            const outer = fs
                .readdirSync("/proc")
                .filter((d) => /^\d+$/.test(d))
                .find((d) => procInfo(d)?.innerPid === inner && Number(d) !== inner);
            assert.ok(outer, "the namespaced sleep is not visible from here");
            // Held by the namespaced process under its own pid (which names no process here).
            write("nested", inner);
            // Its number here is not the pid its CLI would have written: no one holds this one.
            write("outer-number", Number(outer));
            assert.deepEqual(check(), ["outer-number.json"]);
            assert.deepEqual(left(), ["nested.json"]);
        } finally {
            child.kill("SIGKILL");
        }
    }),
);
