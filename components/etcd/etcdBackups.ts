// Snapshots and restore of one cluster (pitfalls P14): the snapshot tools on static-pod hosts,
// a timer on every snapshot member's host, a restore when one is configured, and the hook other
// changes call to take a snapshot before they touch the cluster (`snapshotBefore`).

import { STEP_TIMEOUTS } from "../constants";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import type { NodeConfig } from "../types";
import { SshConnectionArgs, allSteps, toRemoteConnection } from "../remote/connection";
import { asRoot } from "../remote/shell";
import type { BackupPlan } from "./backupPlan";
import { EtcdRestore } from "./etcdRestore";
import { EtcdSnapshots } from "./etcdSnapshots";
import type { ClusterPlan } from "./plan";
import { copyToolsScript, removeToolsScript, snapshotNowScript } from "./snapshotScript";
import type { SnapshotStatus } from "./snapshotStatus";

export interface EtcdBackupsArgs {
    /** The cluster. */
    plan: ClusterPlan;
    /** Its snapshots and restore, `plan.backups`. */
    backups: BackupPlan;
    /** The cluster token (a restore derives its generation's token from it). */
    clusterToken: pulumi.Input<string>;
    /** How to reach a member's host: the cluster's own connections. */
    connect: (node: NodeConfig) => SshConnectionArgs;
}

/** One snapshot host as the stack exports it: where `npm run snapshot` reaches it, when it runs, how it went. */
export interface SnapshotReport {
    /** `hostKey`: the key every SSH step pins, absent only with `insecureSkipHostKeyCheck`. */
    readonly ssh: { readonly host: string; readonly port: number; readonly user: string; readonly hostKey?: string };
    /** `OnCalendar=` of its timer. */
    readonly schedule: string;
    readonly status: SnapshotStatus;
}

/**
 * Children: `${name}-${node}-tools` (static-pod hosts: etcdctl and etcdutl copied from the
 * running image), `${name}-${node}-snapshots` (`EtcdSnapshots`) per snapshot member, and
 * `${name}-restore` (`EtcdRestore`) when a restore is configured. Depend it on the cluster's
 * health gate: tools are copied from a running etcd, and a restore replaces a formed cluster.
 */
export class EtcdBackups extends pulumi.ComponentResource {
    /** Per snapshot member: its host, timer and last status. */
    public readonly snapshots: pulumi.Output<Record<string, SnapshotReport>>;
    /** The restored cluster's id, when a restore is configured. */
    public readonly restoredClusterId?: pulumi.Output<string>;

    constructor(name: string, args: EtcdBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("etcdhosts:etcd:EtcdBackups", name, {}, opts);
        const { plan, backups } = args;
        const after = opts?.dependsOn;

        const tools: Record<string, pulumi.Resource[]> = {};
        for (const m of plan.members) {
            const t = backups.tools[m.name];
            const ssh = args.connect(m.node);
            tools[m.name] = t.fromImage
                ? [new command.remote.Command(`${name}-${m.name}-tools`, {
                      connection: toRemoteConnection(ssh),
                      addPreviousOutputInEnv: false,
                      create: asRoot(copyToolsScript(m, t, m.image ?? ""), ssh.user),
                      delete: asRoot(removeToolsScript(t), ssh.user),
                  }, { parent: this, dependsOn: after, deleteBeforeReplace: true, customTimeouts: allSteps(STEP_TIMEOUTS.step) })]
                : [];
        }

        const reports: Record<string, pulumi.Output<SnapshotReport>> = {};
        const timers: pulumi.Resource[] = [];
        const schedule = backups.schedule;
        for (const timer of schedule?.members ?? []) {
            const m = plan.members.find((x) => x.name === timer.name)!;
            const ssh = args.connect(m.node);
            const snaps = new EtcdSnapshots(`${name}-${m.name}-snapshots`, {
                member: m,
                timer,
                schedule: schedule!,
                tools: backups.tools[m.name],
                connection: ssh,
                wipeOnDestroy: plan.config.wipeDataOnDestroy,
            }, { parent: this, dependsOn: tools[m.name].length > 0 ? tools[m.name] : after });
            timers.push(snaps.timer);
            reports[m.name] = pulumi.all([ssh.host, ssh.port, ssh.hostKey, snaps.status]).apply(([host, port, hostKey, status]) => ({
                ssh: { host, port, user: ssh.user, ...(hostKey !== undefined ? { hostKey } : {}) },
                schedule: timer.onCalendar,
                status,
            }));
        }
        this.snapshots = pulumi.output(reports) as pulumi.Output<Record<string, SnapshotReport>>;

        if (backups.restore !== undefined) {
            // After the tools (static pods) and the timers (stopped and restarted around it), or
            // directly after the cluster's gate when there are neither.
            const before = [...Object.values(tools).flat(), ...timers];
            const restore = new EtcdRestore(`${name}-restore`, {
                plan,
                restore: backups.restore,
                tools: backups.tools,
                clusterToken: args.clusterToken,
                connect: args.connect,
            }, { parent: this, dependsOn: before.length > 0 ? before : after });
            this.restoredClusterId = restore.clusterId;
        }
        this.registerOutputs({ snapshots: this.snapshots });
    }
}

/** Arguments of {@link snapshotBefore}. */
export interface SnapshotBeforeArgs {
    /** The cluster. */
    plan: ClusterPlan;
    /** How to reach a member's host: the cluster's own connections. */
    connect: (node: NodeConfig) => SshConnectionArgs;
    /** Why, e.g. `member add h4` or `etcd 3.6.16 to 3.6.17`: part of the script, so a new reason takes a new snapshot. */
    reason: pulumi.Input<string>;
    /**
     * The member whose host takes it: one that stays healthy through the change (a member being
     * replaced may be down). `undefined` picks the first member that takes snapshots.
     */
    member: string | undefined;
}

/**
 * The hook before risky changes (membership, version): one `etcdhosts-snapshot now` on a snapshot
 * member's host, run again whenever `reason` changes. Make the change `dependsOn` the command it
 * returns: a failed snapshot stops the change. Undefined when no member takes snapshots
 * (`backups: false`), or when `member` takes none. A host without the script yet (this `up` turns
 * snapshots on) has nothing worth a snapshot from etcdhosts' point of view and goes on.
 */
export function snapshotBefore(name: string, args: SnapshotBeforeArgs, opts: pulumi.CustomResourceOptions): command.remote.Command | undefined {
    const timers = args.plan.backups?.schedule?.members ?? [];
    const chosen = timers.find((t) => (args.member === undefined ? true : t.name === args.member));
    if (chosen === undefined) return undefined;
    const m = args.plan.members.find((x) => x.name === chosen.name)!;
    const ssh = args.connect(m.node);
    return new command.remote.Command(name, {
        connection: toRemoteConnection(ssh),
        addPreviousOutputInEnv: false,
        create: pulumi.output(args.reason).apply((why) => asRoot(snapshotNowScript(why), ssh.user)),
    }, { customTimeouts: allSteps(STEP_TIMEOUTS.transfer), ...opts });
}
