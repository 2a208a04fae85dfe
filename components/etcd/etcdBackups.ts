// Snapshots and restore of one cluster (pitfalls P14): the snapshot tools on static-pod hosts,
// a timer on every snapshot member's host, a restore when one is configured, and the hook other
// changes call to take a snapshot before they touch the cluster.

import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import type { NodeConfig } from "../types";
import { SshConnectionArgs, toRemoteConnection } from "../remote/connection";
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
    private readonly snapshotHosts: { name: string; ssh: SshConnectionArgs; after: pulumi.Resource }[] = [];

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
                  }, { parent: this, dependsOn: after, deleteBeforeReplace: true })]
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
            this.snapshotHosts.push({ name: m.name, ssh, after: snaps.timer });
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

    /**
     * The hook before risky changes (membership, version): a snapshot taken at once on the first
     * snapshot member's host, again whenever `reason` changes. Make the change `dependsOn` what
     * this returns; undefined when no member takes snapshots (`backups: false`).
     */
    snapshotBefore(name: string, reason: pulumi.Input<string>, opts: pulumi.CustomResourceOptions = {}): command.remote.Command | undefined {
        const host = this.snapshotHosts[0];
        if (host === undefined) return undefined;
        const deps = opts.dependsOn === undefined ? [] : Array.isArray(opts.dependsOn) ? opts.dependsOn : [opts.dependsOn];
        return new command.remote.Command(name, {
            connection: toRemoteConnection(host.ssh),
            addPreviousOutputInEnv: false,
            create: pulumi.output(reason).apply((why) => asRoot(snapshotNowScript(why), host.ssh.user)),
        }, { ...opts, parent: opts.parent ?? this, dependsOn: [...(deps as pulumi.Input<pulumi.Resource>[]), host.after] });
    }
}
