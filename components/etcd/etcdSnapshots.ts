// Scheduled snapshots on one member's host (pitfalls P14): the state and snapshot dirs, the
// script, its oneshot service and timer, and the status the host reports back to the stack. The
// texts come from the pure modules next to this one (snapshotScript.ts, renderSnapshotUnits.ts).

import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { SNAPSHOT_SCRIPT, SNAPSHOT_SERVICE_FILE, SNAPSHOT_STATUS_FILE, SNAPSHOT_TIMER_FILE, STEP_TIMEOUTS } from "../constants";
import { SshConnectionArgs, allSteps, toRemoteConnection } from "../remote/connection";
import { RemoteFiles } from "../remote/remoteFiles";
import { asLoginUser, asRoot } from "../remote/shell";
import { runSsh, withSshAuth } from "../remote/sshClient";
import type { SnapshotMember, SnapshotSchedule, SnapshotTools } from "./backupPlan";
import type { MemberPlan } from "./member";
import { renderSnapshotService, renderSnapshotTimer } from "./renderSnapshotUnits";
import { disableSnapshotTimerScript, enableSnapshotTimerScript, removeSnapshotsScript, renderSnapshotScript, snapshotDirsScript } from "./snapshotScript";
import { SnapshotStatus, parseSnapshotStatus } from "./snapshotStatus";

export interface EtcdSnapshotsArgs {
    /** The member whose host takes snapshots. */
    member: MemberPlan;
    /** Its timer, one of `schedule.members`. */
    timer: SnapshotMember;
    /** Interval, retention, free-space bound, rotation. */
    schedule: SnapshotSchedule;
    /** etcdctl and etcdutl on the host. */
    tools: SnapshotTools;
    /** How to reach the host. */
    connection: SshConnectionArgs;
    /**
     * Whether destroy removes the snapshots and the status file; otherwise they outlive the stack
     * like the data dir does (`wipeDataOnDestroy`).
     */
    wipeOnDestroy: boolean;
}

/** Milliseconds the status read may take per host; a host that is gone only delays `up` so much. */
const STATUS_READ_TIMEOUT_MS = 20_000;

/**
 * The status file of a host, read with the runner's ssh when the program runs for an `up`. Not in
 * a preview, and not without an engine (tests under mocks): no host is ever touched then.
 */
export function readSnapshotStatus(connection: SshConnectionArgs): pulumi.Output<SnapshotStatus> {
    if (pulumi.runtime.isDryRun() || !pulumi.runtime.hasEngine()) {
        return pulumi.output<SnapshotStatus>({ result: "unknown", message: "read by pulumi up, not by a preview" });
    }
    const user = connection.user;
    const status = pulumi.all([connection.host, connection.port, connection.privateKey, connection.hostKey]).apply(async ([host, port, key, hostKey]): Promise<SnapshotStatus> => {
        if (key === undefined) return { result: "unreadable", message: "no SSH private key to read it with" };
        const target = { host, port, user };
        // The host key the cluster's own SSH steps pin, pinned here too.
        return withSshAuth(key, [{ target, hostKey }], async (auth) => {
            const r = await runSsh(target, auth, asLoginUser(`cat ${SNAPSHOT_STATUS_FILE} 2>/dev/null || true`), { timeoutMs: STATUS_READ_TIMEOUT_MS });
            if (r.code === 0) return parseSnapshotStatus(r.stdout);
            return { result: "unreadable", message: `ssh ${user}@${host}:${port} failed: ${r.stderr.trim().split("\n").pop() ?? ""}` };
        });
    });
    // Derived from the SSH key, so Pulumi would keep it secret; it holds times and hashes only.
    return pulumi.unsecret(status);
}

/**
 * One host's snapshots. Children, in order:
 *
 * 1. `${name}-dirs`: `/var/lib/etcdhosts` and its root-only `snapshots/`; its delete removes the
 *    snapshots only with `wipeOnDestroy` (otherwise it is retained).
 * 2. `${name}-files`: the script (`0700`), the service and the timer (`0644`).
 * 3. `${name}-timer`: loads the units and (re)starts the timer; its delete stops and disables it.
 */
export class EtcdSnapshots extends pulumi.ComponentResource {
    /** The timer step: depend on it to know the timer runs. */
    public readonly timer: command.remote.Command;
    /** What the host's status file said when this `up` started. */
    public readonly status: pulumi.Output<SnapshotStatus>;

    constructor(name: string, args: EtcdSnapshotsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("etcdhosts:etcd:EtcdSnapshots", name, {}, opts);
        const loginUser = args.connection.user;
        const connection = toRemoteConnection(args.connection);
        const wipe = args.wipeOnDestroy;

        const dirs = new command.remote.Command(`${name}-dirs`, {
            connection,
            addPreviousOutputInEnv: false,
            create: asRoot(snapshotDirsScript(), loginUser),
            ...(wipe ? { delete: asRoot(removeSnapshotsScript(), loginUser) } : {}),
        }, { parent: this, dependsOn: opts?.dependsOn, deleteBeforeReplace: true, retainOnDelete: !wipe, customTimeouts: allSteps(STEP_TIMEOUTS.step) });

        const script = renderSnapshotScript(args.member, args.tools, args.schedule);
        const service = renderSnapshotService(args.member);
        const timer = renderSnapshotTimer(args.member, args.timer);
        const files = new RemoteFiles(`${name}-files`, {
            connection: args.connection,
            switching: "each",
            timeout: STEP_TIMEOUTS.step,
            files: [
                { path: SNAPSHOT_SCRIPT, content: script, mode: "0700", owner: "root", group: "root" },
                { path: SNAPSHOT_SERVICE_FILE, content: service, mode: "0644", owner: "root", group: "root" },
                { path: SNAPSHOT_TIMER_FILE, content: timer, mode: "0644", owner: "root", group: "root" },
            ],
        }, { parent: this, dependsOn: [dirs] });

        const fingerprint = crypto.createHash("sha256").update(`${script}\0${service}\0${timer}`).digest("hex");
        this.timer = new command.remote.Command(`${name}-timer`, {
            connection,
            addPreviousOutputInEnv: false,
            create: asRoot(enableSnapshotTimerScript(fingerprint), loginUser),
            delete: asRoot(disableSnapshotTimerScript(), loginUser),
        }, { parent: this, dependsOn: [files], customTimeouts: allSteps(STEP_TIMEOUTS.step) });

        this.status = readSnapshotStatus(args.connection);
        this.registerOutputs({ status: this.status });
    }
}
