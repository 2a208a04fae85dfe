import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RecordError, SandboxEntry, addToRecord, createsStack, explicitStack, readRecord, removeFromRecord, sandboxTarget } from "../../scripts/lib/sandboxStacks";

const asRoot = process.getuid?.() === 0 ? false : "needs root (the record must be root's)";

function tmp(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-sandbox-"));
}

test("explicitStack: the one stack named with -s/--stack, in every spelling the CLI takes", () => {
    for (const args of [["up", "-s", "dev"], ["-s", "dev", "up"], ["up", "-sdev"], ["up", "-s=dev"], ["up", "--stack", "dev"], ["up", "--stack=dev"], ["up", "-s", "organization/etcdhosts/dev"]]) {
        assert.equal(explicitStack(args), "dev", args.join(" "));
    }
    assert.equal(explicitStack(["stack", "output"]), undefined, "the selected stack is never an explicit one");
    assert.equal(explicitStack(["up", "-s", "dev", "--stack", "prod"]), undefined, "two stacks: neither");
    assert.equal(explicitStack(["up", "-s", "someorg/etcdhosts/dev"]), undefined);
    assert.equal(explicitStack(["up", "-s", "other/dev"]), undefined);
    assert.equal(explicitStack(["up", "-s"]), undefined);
    assert.equal(explicitStack(["config", "set", "k", "--", "-s", "dev"]), undefined, "after -- it is a value");
});

test("createsStack: init, new, select --create, rename and change-secrets-provider create or move a stack", () => {
    for (const args of [["stack", "init", "prod"], ["stack", "init", "-s", "dev"], ["-C", "x", "stack", "init"], ["-s", "dev", "stack", "init"], ["new", "typescript"], ["stack", "select", "--create", "dev"], ["stack", "select", "-c", "-s", "dev"], ["stack", "rename", "prod", "-s", "dev"], ["stack", "change-secrets-provider", "passphrase", "-s", "dev"]]) {
        assert.equal(createsStack(args), true, args.join(" "));
    }
    for (const args of [["stack", "output", "-s", "dev"], ["up", "-s", "dev"], ["up", "-c", "k=v", "-s", "dev"], ["config", "set", "init", "1", "-s", "dev"], ["stack", "select", "dev"]]) {
        assert.equal(createsStack(args), false, args.join(" "));
    }
});

test("sandboxTarget: only a recorded stack of this backend that exists, named with -s, and not being created", () => {
    const dir = tmp();
    try {
        const backend = `file://${dir}`;
        const dev: SandboxEntry = { backend, stack: "dev", keyFile: "/keys/id_ed25519" };
        const entries = [dev, { backend: "file:///elsewhere", stack: "prod", keyFile: "/keys/id_ed25519" }];
        fs.mkdirSync(path.join(dir, ".pulumi", "stacks", "etcdhosts"), { recursive: true });
        for (const s of ["dev", "prod", "e2e-x"]) fs.writeFileSync(path.join(dir, ".pulumi", "stacks", "etcdhosts", `${s}.json`), "{}");

        assert.deepEqual(sandboxTarget(["stack", "output", "-s", "dev"], entries, backend), dev);
        assert.deepEqual(sandboxTarget(["up", "--stack=dev", "--yes"], entries, backend), dev);
        // The hole: with dev selected, `stack init prod` named no stack and got the passphrase.
        assert.equal(sandboxTarget(["stack", "init", "prod"], entries, backend), undefined);
        assert.equal(sandboxTarget(["stack", "init", "-s", "dev"], entries, backend), undefined);
        assert.equal(sandboxTarget(["stack", "output"], entries, backend), undefined, "selected, not named");
        assert.equal(sandboxTarget(["up", "-s", "e2e-x"], entries, backend), undefined, "a sandbox-like name is not a record");
        assert.equal(sandboxTarget(["up", "-s", "prod"], entries, backend), undefined, "recorded for another backend");
        assert.equal(sandboxTarget(["up", "-s", "dev"], entries, "file:///other"), undefined, "same name, other backend");
        assert.equal(sandboxTarget(["up", "-s", "dev"], entries, "s3://bucket"), undefined);
        fs.rmSync(path.join(dir, ".pulumi", "stacks", "etcdhosts", "dev.json"));
        assert.equal(sandboxTarget(["stack", "select", "dev"], entries, backend), undefined, "recorded but removed since: a new dev must not inherit");
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

test("the record: add, replace, remove; root's only; strict lines", { skip: asRoot }, () => {
    const dir = tmp();
    try {
        const file = path.join(dir, "sandbox-stacks");
        assert.deepEqual(readRecord(file), [], "no record: no sandbox stacks");
        addToRecord(file, { backend: "file:///state", stack: "dev", keyFile: "/k/old" });
        addToRecord(file, { backend: "file:///other", stack: "dev", keyFile: "/k/x" });
        addToRecord(file, { backend: "file:///state", stack: "dev", keyFile: "/k/new" });
        assert.deepEqual(readRecord(file), [
            { backend: "file:///other", stack: "dev", keyFile: "/k/x" },
            { backend: "file:///state", stack: "dev", keyFile: "/k/new" },
        ]);
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        removeFromRecord(file, "file:///other", "dev");
        assert.deepEqual(readRecord(file).map((e) => e.backend), ["file:///state"]);
        assert.throws(() => addToRecord(file, { backend: "s3://bucket", stack: "dev", keyFile: "/k" }), RecordError);

        fs.chmodSync(file, 0o666);
        assert.throws(() => readRecord(file), /not safe .*mode 666/);
        fs.chmodSync(file, 0o600);
        fs.chownSync(file, 65534, 65534);
        assert.throws(() => readRecord(file), /not safe \(owner uid 65534/);
        fs.chownSync(file, 0, 0);
        fs.appendFileSync(file, "file:///state\tdev\t/k/$(id)\n");
        assert.throws(() => readRecord(file), /line 2 is not BACKEND/);
        fs.rmSync(file);
        fs.symlinkSync("/etc/hostname", file);
        assert.throws(() => readRecord(file), /not a plain file/);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
