// One throwaway `bench-*` stack of the product on a bed, and its timed operations: each returns
// the CLI process's time (cliTimer.ts), the engine events timed against its spawn (events.ts)
// and the number of resources it changed.

import * as fs from "node:fs";
import type { OpType } from "@pulumi/pulumi/automation";
import { SandboxStack, StackConfig, bedNodes, sandboxStack } from "../../test/support/sandboxStack";
import type { Inventory } from "../../test/support/testbed";
import { bedKnownHosts, systemdConfig } from "../../test/support/e2e";
import { CliTimer } from "./cliTimer";
import { EventRecorder, TimedEvent } from "./events";

/** The cluster: systemd layout, binary install of etcd 3.6.16, 100/1000 ms timings. */
export function benchConfig(inventory: Inventory, size: number, overrides: StackConfig = {}): StackConfig {
    return systemdConfig(bedNodes(inventory, size), { heartbeatIntervalMs: 100, electionTimeoutMs: 1000, knownHosts: bedKnownHosts(inventory), ...overrides });
}

export interface TimedOp {
    /** The CLI process, spawn to exit. */
    ms: number;
    events: TimedEvent[];
    /** Resources created, updated, replaced or deleted (everything but `same`). */
    changes: number;
    outputs: Record<string, unknown>;
}

export interface BenchStack {
    readonly name: string;
    readonly sandbox: SandboxStack;
    setConfig(config: StackConfig): void;
    up(): Promise<TimedOp>;
    preview(): Promise<TimedOp>;
    destroy(): Promise<TimedOp>;
    /** Drops the stack and its state without touching the hosts (clean those separately). */
    forget(): Promise<void>;
}

function changesOf(summary: Partial<Record<OpType, number>> | undefined): number {
    return Object.entries(summary ?? {}).reduce((sum, [op, n]) => sum + (op === "same" ? 0 : (n ?? 0)), 0);
}

/** A fresh stack `name` (empty state) with `config`; `parallel` is passed to every operation. */
export async function openBenchStack(name: string, inventory: Inventory, config: StackConfig, parallel?: number): Promise<BenchStack> {
    const sandbox = await sandboxStack(name, config, { sshKeyFile: inventory.sshPrivateKeyPath });
    const timer = new CliTimer(sandbox.stack);
    const common = { color: "never" as const, ...(parallel !== undefined ? { parallel } : {}), onOutput: (o: string) => sandbox.transcript.push(o) };
    const timed = async <R>(command: string, op: (recorder: EventRecorder) => Promise<R>, changes: (r: R) => number, outputs: (r: R) => Record<string, unknown>): Promise<TimedOp> => {
        const recorder = new EventRecorder(timer.spawnTime);
        try {
            const r = await op(recorder);
            const cli = timer.last(command);
            return { ms: cli.end - cli.start, events: recorder.events, changes: changes(r), outputs: outputs(r) };
        } catch (e) {
            throw new Error(`pulumi ${command} of ${name} failed: ${(e as Error).message}\n--- output (tail) ---\n${sandbox.transcript.join("").slice(-4000)}`);
        }
    };
    return {
        name,
        sandbox,
        setConfig: (c) => sandbox.setConfig(c),
        up: () =>
            timed(
                "up",
                (rec) => sandbox.stack.up({ ...common, onEvent: rec.onEvent }),
                (r) => changesOf(r.summary.resourceChanges),
                (r) => Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.value as unknown])),
            ),
        preview: () =>
            timed("preview", (rec) => sandbox.stack.preview({ ...common, onEvent: rec.onEvent }), (r) => changesOf(r.changeSummary), () => ({})),
        destroy: () =>
            timed("destroy", (rec) => sandbox.stack.destroy({ ...common, onEvent: rec.onEvent }), (r) => changesOf(r.summary.resourceChanges), () => ({})),
        forget: async () => {
            await sandbox.stack.workspace.removeStack(name, { force: true }).catch(() => undefined);
            fs.rmSync(sandbox.workDir, { recursive: true, force: true });
        },
    };
}
