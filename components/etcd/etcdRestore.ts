// Restore as configuration (pitfalls P14): every member from the same snapshot file on the
// runner into a new cluster generation, in phases that span all members. The scripts come from
// restoreScripts.ts; this file only orders them.

import { STEP_TIMEOUTS } from "../constants";
import * as crypto from "crypto";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import type { NodeConfig, RestoreConfig } from "../types";
import { SshConnectionArgs, allSteps, toRemoteConnection } from "../remote/connection";
import { CLUSTER_MARKER_FILE } from "../remote/preflight";
import { asRoot } from "../remote/shell";
import type { SnapshotTools } from "./backupPlan";
import { parseMemberList } from "./memberList";
import type { ClusterPlan } from "./plan";
import {
    RestoreSpec,
    STAGED_SNAPSHOT,
    restoreCheckScript,
    restoreMemberScript,
    restorePrepareScript,
    restoreStageScript,
    restoreStartScript,
    restoreUnstageScript,
} from "./restoreScripts";

export interface EtcdRestoreArgs {
    /** The cluster (members, endpoints, layout). */
    plan: ClusterPlan;
    /** What to restore. */
    restore: RestoreConfig;
    /** etcdctl and etcdutl on each member's host, by name. */
    tools: Readonly<Record<string, SnapshotTools>>;
    /** The cluster token; the generation's token derives from it. */
    clusterToken: pulumi.Input<string>;
    /** How to reach a member's host. */
    connect: (node: NodeConfig) => SshConnectionArgs;
}

/** sha256 of the runner's snapshot file, read in chunks (snapshots can be gigabytes). */
function sha256OfFile(file: string, parent: pulumi.Resource): string {
    const hash = crypto.createHash("sha256");
    let fd: number;
    try {
        fd = fs.openSync(file, "r");
    } catch (e) {
        // At preview, before any host is touched; the message names the config key.
        throw new pulumi.ResourceError(`restore.snapshot: ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, parent, true);
    }
    try {
        const buf = Buffer.alloc(1 << 20);
        for (let n = fs.readSync(fd, buf); n > 0; n = fs.readSync(fd, buf)) hash.update(buf.subarray(0, n));
    } finally {
        fs.closeSync(fd);
    }
    return hash.digest("hex");
}

/**
 * Restores every member. Children, per member (`${name}-${node}-…`) and phase; each phase waits
 * for the one before on *every* member:
 *
 * 1. `stage` (staging dir, its delete removes it) and `upload` (CopyToRemote; again for a new
 *    generation or file), then `prepare`: the upload's sha256 and `etcdutl snapshot status`.
 *    Nothing is stopped before every host has a sound copy.
 * 2. `restore`: stop the member, move its old data aside, `etcdutl snapshot restore` with the
 *    generation's token (and `--bump-revision`/`--mark-compacted` when asked).
 * 3. `start`: every member at once, as etcd's recovery guide says.
 * 4. `${name}-check`, on the first member: health of every member, a write, the member list.
 *
 * Only the generation (and the restore options) is in the restore and start scripts: leaving it
 * as it is runs nothing on later `up`s, and each host remembers the generation it completed.
 */
export class EtcdRestore extends pulumi.ComponentResource {
    /** The restored cluster's id, from the check's member list. */
    public readonly clusterId: pulumi.Output<string>;

    constructor(name: string, args: EtcdRestoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("etcdhosts:etcd:EtcdRestore", name, {}, opts);
        const plan = args.plan;
        const r = args.restore;
        const sha256 = sha256OfFile(r.snapshot, this);
        const token = pulumi.output(args.clusterToken);
        const spec = (i: number, t: string): RestoreSpec => ({
            member: plan.members[i],
            tools: args.tools[plan.members[i].name],
            restore: r,
            token: t,
            sha256,
            clusterMarkerFile: CLUSTER_MARKER_FILE,
            runAs: plan.layout.runAs,
        });
        const hosts = plan.members.map((m) => {
            const ssh = args.connect(m.node);
            return { ssh, user: ssh.user, connection: toRemoteConnection(ssh) };
        });
        const phase = (role: string, script: (s: RestoreSpec) => string, after: (i: number) => pulumi.Resource[]): command.remote.Command[] =>
            plan.members.map((m, i) => new command.remote.Command(`${name}-${m.name}-${role}`, {
                connection: hosts[i].connection,
                addPreviousOutputInEnv: false,
                create: token.apply((t) => asRoot(script(spec(i, t)), hosts[i].user)),
            }, { parent: this, dependsOn: after(i), customTimeouts: allSteps(STEP_TIMEOUTS.transfer) }));

        const uploads = plan.members.map((m, i) => {
            const stage = new command.remote.Command(`${name}-${m.name}-stage`, {
                connection: hosts[i].connection,
                addPreviousOutputInEnv: false,
                create: asRoot(restoreStageScript(hosts[i].user), hosts[i].user),
                delete: asRoot(restoreUnstageScript(plan.config.wipeDataOnDestroy), hosts[i].user),
            }, { parent: this, dependsOn: opts?.dependsOn, deleteBeforeReplace: true, customTimeouts: allSteps(STEP_TIMEOUTS.step) });
            return new command.remote.CopyToRemote(`${name}-${m.name}-upload`, {
                connection: hosts[i].connection,
                source: new pulumi.asset.FileAsset(r.snapshot),
                remotePath: STAGED_SNAPSHOT,
                // A new generation uploads again: the start phase removed the last upload.
                triggers: [sha256, String(r.generation)],
            }, { parent: this, dependsOn: [stage], customTimeouts: allSteps(STEP_TIMEOUTS.transfer) });
        });
        const prepared = phase("prepare", restorePrepareScript, (i) => [uploads[i]]);
        const restored = phase("restore", restoreMemberScript, () => prepared);
        const started = phase("start", restoreStartScript, () => restored);

        const first = plan.members[0];
        const check = new command.remote.Command(`${name}-check`, {
            connection: hosts[0].connection,
            addPreviousOutputInEnv: false,
            create: asRoot(restoreCheckScript(first, args.tools[first.name], plan.clientEndpoints, r.generation), hosts[0].user),
            logging: "stderr",
        }, { parent: this, dependsOn: started, customTimeouts: allSteps(STEP_TIMEOUTS.step) });
        this.clusterId = check.stdout.apply((out) => parseMemberList(out).clusterId);
        this.registerOutputs({ clusterId: this.clusterId });
    }
}
