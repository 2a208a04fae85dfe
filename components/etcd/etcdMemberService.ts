// One etcd member on its host: certificates, rendered configuration, and the commands that start
// it, roll it after a change, and stop it. The same component serves both runtimes (a systemd
// unit for `pc-master` and `systemd`, a kubelet static pod for `static-pod`): they differ only in
// the files written and the scripts run, which come from the pure modules next to this one.

import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { CERT_FILES, STEP_TIMEOUTS } from "../constants";
import { SshConnectionArgs, allSteps, toRemoteConnection } from "../remote/connection";
import { RemoteFileArgs, RemoteFiles } from "../remote/remoteFiles";
import { asRoot } from "../remote/shell";
import { MemberOptions, MemberPlan, bindMember } from "./member";
import { joinScript } from "./membershipScripts";
import { markExistingScript, rollScript, startScript, stopScript } from "./lifecycleScripts";
import type { ClusterPlan, PlannedMember } from "./plan";
import { RenderedMember, renderMember } from "./renderMember";

/** PEM material a member's host receives. Keys are secrets. */
export interface MemberPki {
    caCertPem: pulumi.Input<string>;
    serverCertPem: pulumi.Input<string>;
    serverKeyPem: pulumi.Input<string>;
    peerCertPem: pulumi.Input<string>;
    peerKeyPem: pulumi.Input<string>;
    /** The operator's client certificate, used by `/etc/profile.d/etcdctl.sh` on the host. */
    adminCertPem: pulumi.Input<string>;
    adminKeyPem: pulumi.Input<string>;
    /** The health-check client certificate, used by the roll and health-gate scripts. */
    healthcheckCertPem: pulumi.Input<string>;
    healthcheckKeyPem: pulumi.Input<string>;
}

export interface EtcdMemberServiceArgs {
    /** The cluster's plan (layout, members, endpoints). */
    plan: ClusterPlan;
    /** This member, one of `plan.members`. */
    member: PlannedMember;
    /** How this member starts: with the cluster (`new`) or joining it (membership.ts). */
    facts: Omit<MemberOptions, "initialClusterToken">;
    /**
     * For a member that joins: the previous joiner's promotion, so members join one at a time.
     * Unset otherwise.
     */
    joinAfter?: pulumi.Resource;
    /** The cluster's `initial-cluster-token` (random per cluster generation, pitfalls P3). */
    clusterToken: pulumi.Input<string>;
    /** How to reach the host. */
    connection: SshConnectionArgs;
    /** Certificates and keys for the host. */
    pki: MemberPki;
    /**
     * The previous member's roll step. This member restarts only after it, so a change that
     * needs restarts rolls through the cluster one member at a time (pitfalls P12). Unset for
     * the first member.
     */
    rollAfter?: pulumi.Resource;
}

/** Files of one member's configuration: what the runtime reads. */
function configFiles(member: MemberPlan, rendered: pulumi.Output<RenderedMember>, etcdGroup: string): RemoteFileArgs[] {
    const files: RemoteFileArgs[] = [];
    const add = (path: string | undefined, content: pulumi.Output<string>, mode: string, group = "root"): void => {
        if (path !== undefined) files.push({ path, content, mode, owner: "root", group });
    };
    // Readable by etcd, writable by root only: a compromised etcd can't rewrite its own config.
    add(member.paths.configFile, rendered.apply((r) => r.config), "0640", etcdGroup);
    add(member.paths.envFile, rendered.apply((r) => r.config), "0640", etcdGroup);
    add(member.paths.unitFile, rendered.apply((r) => r.unit), "0644");
    add(member.paths.stagedManifest, rendered.apply((r) => r.config), "0600");
    add(member.paths.etcdctlProfile, rendered.apply((r) => r.profile), "0644");
    return files;
}

function sha256(...parts: string[]): string {
    const h = crypto.createHash("sha256");
    for (const p of parts) h.update(p).update("\0");
    return h.digest("hex");
}

/**
 * Runs one etcd member. Children, in dependency order:
 *
 * 1. `${name}-pki`: CA certificate, server and peer certificate and key, admin and health-check
 *    client certificates, into the layout's PKI dir (keys `0600`, owned by the user etcd runs as).
 * 2. `${name}-config`: etcd.conf.yml / env file / staged manifest, unit and etcdctl profile.
 * 3. `${name}-cluster-state`: after every config write, turns `initial-cluster-state` to
 *    `existing` on a host whose cluster has bootstrapped (pitfalls P2).
 * 4. `${name}-join` (layouts that can change membership): for a member new to a running
 *    cluster, adds it to the member list as a learner (membershipScripts.ts); else nothing.
 * 5. `${name}-start`: first start, without waiting (every member starts at once); its delete
 *    stops the member.
 * 6. `${name}-roll`: nothing on create; on a change of configuration or CA, a restart that waits
 *    for the other members to be healthy before and for this member after.
 *
 * Depend on the host's `HostPreparation` through `opts.dependsOn`.
 */
export class EtcdMemberService extends pulumi.ComponentResource {
    /** The last step of this member: chain the next member's `rollAfter` and the health gate on it. */
    public readonly roll: command.remote.Command;
    /** The first start. */
    public readonly start: command.remote.Command;
    /** Where the member's configuration lives on the host. */
    public readonly configPath: string;
    /** Hash of everything that needs a restart of this member (configuration, unit, CA). */
    public readonly fingerprint: pulumi.Output<string>;

    constructor(name: string, args: EtcdMemberServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("etcdhosts:etcd:EtcdMemberService", name, {}, opts);

        const loginUser = args.connection.user;
        const connection = toRemoteConnection(args.connection);
        const { user: owner, group } = args.plan.layout.runAs;
        const endpoints = args.plan.clientEndpoints;
        const childOpts = (dependsOn: pulumi.Input<pulumi.Resource>[]): pulumi.CustomResourceOptions => ({ parent: this, dependsOn, customTimeouts: allSteps(STEP_TIMEOUTS.step) });

        const token = pulumi.output(args.clusterToken);
        // Rendered once, from plain values; the initial state is `new` here and turned to
        // `existing` on the host once the cluster has bootstrapped (see cluster-state below).
        const rendered = token.apply((t) => renderMember(bindMember(args.member, { ...args.facts, initialClusterToken: t }), endpoints));
        // What a restart must follow: the configuration as a running member reads it. The
        // bootstrap-only flags (initial-cluster and its state) are left out: etcd reads them
        // only when it has no data, so a membership change elsewhere restarts no member.
        const restartRelevant = token.apply((t) => {
            const self = [{ name: args.member.name, peerUrl: args.member.peer.advertiseUrls[0] }];
            return renderMember(bindMember(args.member, { initialClusterState: "existing", initialClusterToken: t, initialClusterEntries: self }), endpoints);
        });

        // Children don't inherit the component's dependsOn (the host's preparation): pass it to
        // the file writers, which everything else here waits for. Without it keys would be
        // written before the PKI dir and the etcd user exist.
        const fileOpts: pulumi.ComponentResourceOptions = { parent: this, ...(opts?.dependsOn !== undefined ? { dependsOn: opts.dependsOn } : {}) };
        const dir = args.member.pkiDir;
        const pki = new RemoteFiles(`${name}-pki`, {
            connection: args.connection,
            // A certificate and its key switch together: a handshake never pairs old and new.
            switching: "together",
            timeout: STEP_TIMEOUTS.step,
            files: [
                { path: `${dir}/${CERT_FILES.caCert}`, content: args.pki.caCertPem, mode: "0644", owner, group },
                { path: `${dir}/${CERT_FILES.serverCert}`, content: args.pki.serverCertPem, mode: "0644", owner, group },
                { path: `${dir}/${CERT_FILES.serverKey}`, content: args.pki.serverKeyPem, mode: "0600", owner, group },
                { path: `${dir}/${CERT_FILES.peerCert}`, content: args.pki.peerCertPem, mode: "0644", owner, group },
                { path: `${dir}/${CERT_FILES.peerKey}`, content: args.pki.peerKeyPem, mode: "0600", owner, group },
                // Client certificates are for root's tools on the host, not for etcd.
                { path: `${dir}/${CERT_FILES.adminClientCert}`, content: args.pki.adminCertPem, mode: "0644", owner: "root", group: "root" },
                { path: `${dir}/${CERT_FILES.adminClientKey}`, content: args.pki.adminKeyPem, mode: "0600", owner: "root", group: "root" },
                { path: `${dir}/${CERT_FILES.healthcheckClientCert}`, content: args.pki.healthcheckCertPem, mode: "0644", owner: "root", group: "root" },
                { path: `${dir}/${CERT_FILES.healthcheckClientKey}`, content: args.pki.healthcheckKeyPem, mode: "0600", owner: "root", group: "root" },
            ],
        }, fileOpts);

        const files = configFiles(args.member, rendered, group);
        this.configPath = files[0].path;
        const config = new RemoteFiles(`${name}-config`, { connection: args.connection, files, switching: "each", timeout: STEP_TIMEOUTS.step }, fileOpts);

        // Runs after every config write: the hash in the script makes a new write an update. It
        // covers every file of `${name}-config`, since a write of any of them (a new unit, say)
        // rewrites them all, the config with `new` included.
        const clusterState = new command.remote.Command(`${name}-cluster-state`, {
            connection,
            create: pulumi.all([token, rendered]).apply(([t, r]) =>
                asRoot(`# config ${sha256(r.config, r.unit, r.profile)}\n${markExistingScript(args.member, t)}`, loginUser)),
        }, childOpts([config]));

        // A member new to a running cluster is added to its member list just before its start.
        const join = args.plan.layout.membershipChanges
            ? [new command.remote.Command(`${name}-join`, {
                connection,
                create: asRoot(joinScript(args.member), loginUser),
            }, childOpts([pki, config, clusterState, ...(args.joinAfter ? [args.joinAfter] : [])]))]
            : [];

        this.start = new command.remote.Command(`${name}-start`, {
            connection,
            create: asRoot(startScript(args.member), loginUser),
            delete: asRoot(stopScript(args.member), loginUser),
        }, { ...childOpts([pki, config, clusterState, ...join]), deleteBeforeReplace: true });

        // Restart on what etcd reads only at start: its configuration and the CA (etcd does not
        // reload the CA bundle). Leaf certificates are re-read per handshake, so renewing them
        // needs no restart (pitfalls P9).
        const fingerprint = pulumi.all([restartRelevant, args.pki.caCertPem]).apply(([r, ca]) => sha256(r.config, r.unit, ca));
        this.fingerprint = fingerprint;
        this.roll = new command.remote.Command(`${name}-roll`, {
            connection,
            create: "true",
            update: fingerprint.apply((f) => asRoot(rollScript(args.member, endpoints, f), loginUser)),
        }, childOpts([this.start, clusterState, ...(args.rollAfter ? [args.rollAfter] : [])]));

        this.registerOutputs({ configPath: this.configPath });
    }
}
