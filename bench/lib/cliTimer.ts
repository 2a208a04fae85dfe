// Times every `pulumi` CLI process one Automation API workspace runs, from spawn to exit: that is
// what a user of `pulumi up` waits for. The Automation API's own `up()` call takes longer: after
// the CLI exits it runs two more CLI processes (`stack output`, `stack history`) to build its
// result, which a user of the CLI never pays.
//
// The Automation API spawns through `PulumiCommand.run`, which its typings mark internal; this
// wraps that method on the one workspace's own PulumiCommand instance (no global patch) and
// fails loudly if a future SDK renames it.

import type { Stack } from "@pulumi/pulumi/automation";

export interface CliRun {
    /** The CLI's sub-command: `up`, `preview`, `destroy`, `stack`... */
    command: string;
    /** performance.now() at spawn and at exit. */
    start: number;
    end: number;
    ok: boolean;
}

type RunFn = (args: string[], ...rest: unknown[]) => Promise<unknown>;

export class CliTimer {
    readonly runs: CliRun[] = [];
    private lastSpawn = performance.now();

    /** performance.now() at the spawn of the latest CLI process: the zero of its engine events. */
    readonly spawnTime = (): number => this.lastSpawn;

    constructor(stack: Stack) {
        const cmd = stack.workspace.pulumiCommand as unknown as { run?: RunFn };
        const original = cmd.run;
        if (typeof original !== "function") throw new Error("@pulumi/pulumi's PulumiCommand has no run(): the CLI can't be timed with this SDK");
        cmd.run = async (args: string[], ...rest: unknown[]): Promise<unknown> => {
            const start = performance.now();
            this.lastSpawn = start;
            let ok = false;
            try {
                const result = await original.call(cmd, args, ...rest);
                ok = true;
                return result;
            } finally {
                this.runs.push({ command: args[0] ?? "", start, end: performance.now(), ok });
            }
        };
    }

    /** The latest run of `command` (e.g. the `up` of an `up()` call), or throws. */
    last(command: string): CliRun {
        for (let i = this.runs.length - 1; i >= 0; i--) if (this.runs[i].command === command) return this.runs[i];
        throw new Error(`no pulumi ${command} was run`);
    }
}
