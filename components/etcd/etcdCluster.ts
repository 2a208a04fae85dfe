// The whole cluster: a token per cluster generation, the CA and every certificate, each host
// prepared and its member running, a health gate over mutual TLS, and the bootstrap record that
// turns `initial-cluster-state` to `existing` once the cluster has formed. Everything it builds
// comes from the plan (plan.ts); it adds no rule and no default of its own.

import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import * as random from "@pulumi/random";
import type { NodeConfig } from "../types";
import { ADMIN_COMMON_NAME, CLIENT_PORT, CLOCK_AHEAD_TOLERANCE_SECONDS, CONFIG_DIR, DATA_DIR, GENERATED_CA, PEER_PORT, SSH_WAIT, STEP_TIMEOUTS } from "../constants";
import { CertificateAuthority } from "../pki/certificateAuthority";
import { ClientCertificates } from "../pki/clientCertificates";
import { MemberCertificates } from "../pki/memberCertificates";
import { SshConnectionArgs, allSteps, toRemoteConnection } from "../remote/connection";
import { HostPreparation } from "../remote/hostPreparation";
import { asRoot } from "../remote/shell";
import { EtcdBackups } from "./etcdBackups";
import { EtcdMemberService } from "./etcdMemberService";
import { hostInstall } from "./hostInstall";
import { healthGateScript, markBootstrappedScript, unmarkBootstrappedScript } from "./lifecycleScripts";
import { MemberListEntry, parseMemberList } from "./memberList";
import type { ClusterPlan } from "./plan";
import { MembershipPlan, MembershipRecord, membershipRecord } from "./membership";
import { leaveStep, memberStep } from "./membershipSteps";

export type { MemberListEntry } from "./memberList";

export interface EtcdClusterArgs {
    /** What the cluster should be (see `planCluster`). */
    plan: ClusterPlan;
    /** What this `up` changes in the member list (see `planMembership`). */
    membership: MembershipPlan;
    /** PEM private key for SSH to every node. Secret. */
    sshPrivateKey: pulumi.Input<string>;
    /** Private key of a bring-your-own CA, set exactly when `config.tls.caCertPem` is. Secret. */
    caKeyPem?: pulumi.Input<string>;
    /**
     * Environment to resolve an empty `etcdBinaryDir` from (`ETCDHOSTS_ETCD_DIR_3_6`, ...).
     * The program passes `process.env`.
     */
    env: Record<string, string | undefined>;
}

function sha256(...parts: string[]): string {
    return crypto.createHash("sha256").update(parts.join("\0")).digest("hex");
}

function connectionOf(node: NodeConfig, sshPrivateKey: pulumi.Input<string>): SshConnectionArgs {
    return { host: node.sshHost, port: node.sshPort, user: node.sshUser, privateKey: sshPrivateKey, hostKey: node.hostKey };
}

/**
 * An etcd cluster on SSH-reachable hosts. Children (per-node ones keyed by node name, never by
 * position, so adding a node renames nothing):
 *
 * - `${name}-token`: `random.RandomId`, the `initial-cluster-token`; a destroyed and re-created
 *   cluster gets a new one, so an old and a new cluster can never talk (pitfalls P3).
 * - `${name}-ca`, `${name}-members`, `${name}-clients`: the PKI.
 * - `${name}-${node}-host`: `HostPreparation` (preflight, install, user, dirs).
 * - `${name}-${node}`: `EtcdMemberService`; members start together, roll one after the other.
 * - `${name}-health`: waits for every member to answer healthy, prints the member list.
 * - `${name}-${node}-bootstrapped`: records the bootstrap on each host.
 * - `${name}-backups`: `EtcdBackups`, snapshots on a timer and a configured restore (pitfalls P14).
 */
export class EtcdCluster extends pulumi.ComponentResource {
    /** Client URLs of every member. */
    public readonly clientEndpoints: string[];
    /** Member names, in inventory order. */
    public readonly memberNames: string[];
    /** CA certificate, PEM. */
    public readonly caCertPem: pulumi.Output<string>;
    /** The operator's client certificate (CN `root`), PEM. */
    public readonly adminCertPem: pulumi.Output<string>;
    /** Its key. Secret. */
    public readonly adminKeyPem: pulumi.Output<string>;
    /** kube-apiserver's etcd client certificate and key (secret). */
    public readonly apiserverCertPem: pulumi.Output<string>;
    public readonly apiserverKeyPem: pulumi.Output<string>;
    /** The cluster id and members the health gate read. */
    public readonly clusterId: pulumi.Output<string>;
    public readonly members: pulumi.Output<MemberListEntry[]>;
    /** The member list as this `up` left it, recorded for the next one (stacks/previous.ts). */
    public readonly membership: pulumi.Output<MembershipRecord>;
    /** Expiry (RFC 3339) of every certificate: `ca`, `<member>/server`, `<member>/peer`, `admin-client`, ... */
    public readonly certificateExpiry: pulumi.Output<Record<string, string>>;
    /** Snapshots and restore; undefined with `backups: false` and no restore. The hook for risky changes is `snapshotBefore` (etcdBackups.ts). */
    public readonly backups?: EtcdBackups;

    constructor(name: string, args: EtcdClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("etcdhosts:etcd:EtcdCluster", name, {}, opts);
        const plan = args.plan;
        const cfg = plan.config;
        const install = hostInstall(plan, args.env, this);
        this.memberNames = [...plan.memberNames];
        this.clientEndpoints = [...plan.clientEndpoints];

        const tokenId = new random.RandomId(`${name}-token`, { byteLength: 16 }, { parent: this });
        const token = pulumi.interpolate`etcd-${tokenId.hex}`;

        const ca = new CertificateAuthority(
            `${name}-ca`,
            cfg.tls.caCertPem !== undefined && args.caKeyPem !== undefined
                ? { external: { certPem: cfg.tls.caCertPem, keyPem: args.caKeyPem } }
                : { generate: { keyAlgorithm: cfg.tls.algorithm, validityHours: cfg.tls.caValidityHours, ...GENERATED_CA } },
            { parent: this },
        );
        const leafSettings = {
            ca,
            keyAlgorithm: cfg.tls.algorithm,
            validityHours: cfg.tls.certValidityHours,
            earlyRenewalHours: cfg.tls.certEarlyRenewalHours,
        };
        const memberCerts = new MemberCertificates(`${name}-members`, {
            ...leafSettings,
            // One set of SANs for both: a member is reached by the same names on either port.
            members: plan.members.map((m) => ({ name: m.name, sans: m.sans, peerSans: m.sans })),
        }, { parent: this });
        const clientCerts = new ClientCertificates(`${name}-clients`, { ...leafSettings, adminCommonName: ADMIN_COMMON_NAME }, { parent: this });

        const membership = args.membership;
        const joining = (n: string): boolean => membership.joining.includes(n);
        const changes = plan.layout.membershipChanges;
        const services: EtcdMemberService[] = [];
        const joinerSteps: command.remote.Command[] = [];
        for (const member of plan.members) {
            const node = member.node;
            const connection = connectionOf(node, args.sshPrivateKey);
            const host = new HostPreparation(`${name}-${node.name}-host`, {
                connection,
                clusterToken: token,
                install,
                dataDir: DATA_DIR,
                configDir: CONFIG_DIR,
                pkiDir: member.pkiDir,
                ...plan.layout.runAs,
                wipeDataOnDestroy: cfg.wipeDataOnDestroy,
                // 0 skips the clock check altogether (Pulumi.yaml).
                clock: cfg.maxClockSkewSeconds > 0 ? { maxBehindSeconds: cfg.maxClockSkewSeconds, maxAheadSeconds: CLOCK_AHEAD_TOLERANCE_SECONDS } : undefined,
                ports: [CLIENT_PORT, PEER_PORT],
                sshWait: SSH_WAIT,
                timeouts: STEP_TIMEOUTS,
            }, { parent: this });
            const certs = memberCerts.members[member.name];
            services.push(new EtcdMemberService(`${name}-${node.name}`, {
                plan,
                member,
                clusterToken: token,
                connection,
                pki: {
                    caCertPem: ca.certPem,
                    serverCertPem: certs.server.certPem,
                    serverKeyPem: certs.server.keyPem,
                    peerCertPem: certs.peer.certPem,
                    peerKeyPem: certs.peer.keyPem,
                    adminCertPem: clientCerts.admin.certPem,
                    adminKeyPem: clientCerts.admin.keyPem,
                    healthcheckCertPem: clientCerts.healthcheck.certPem,
                    healthcheckKeyPem: clientCerts.healthcheck.keyPem,
                },
                facts: membership.facts[member.name],
                ...(joining(member.name) && joinerSteps.length > 0 ? { joinAfter: joinerSteps[joinerSteps.length - 1] } : {}),
                ...(services.length > 0 ? { rollAfter: services[services.length - 1].roll } : {}),
            }, { parent: this, dependsOn: [host] }));
            // A joiner votes and answers healthy before the next one is added and before the gate.
            // After its start only, not its roll: the roll chain waits on members before it, whose
            // rolls must not wait for a learner that is not promoted yet.
            if (changes && joining(member.name)) joinerSteps.push(memberStep(name, member, connection, [services[services.length - 1].start], this));
        }

        // The gate runs on the first member; it re-runs whenever any member's roll changed, so
        // every `up` that touched the cluster ends with proof that all members are healthy.
        const first = plan.members[0];
        const firstConnection = toRemoteConnection(connectionOf(first.node, args.sshPrivateKey));
        const fingerprint = pulumi.all(services.map((s) => s.fingerprint)).apply((all) => sha256(...all));
        const gate = new command.remote.Command(`${name}-health`, {
            connection: firstConnection,
            create: pulumi.all([token, fingerprint]).apply(([t, f]) => asRoot(healthGateScript(first, plan.clientEndpoints, `${t}/${f}`), first.node.sshUser)),
            logging: "stderr",
        }, { parent: this, dependsOn: [...services, ...joinerSteps], customTimeouts: allSteps(STEP_TIMEOUTS.step) });

        if (changes) {
            for (const member of plan.members) {
                if (!joining(member.name)) memberStep(name, member, connectionOf(member.node, args.sshPrivateKey), [gate], this);
            }
        }
        // Removed members leave the member list from a member that stays (never a joiner).
        const anchor = plan.members.find((m) => !joining(m.name)) ?? first;
        const leaves = membership.removed.map((r) => leaveStep(name, r, anchor, connectionOf(anchor.node, args.sshPrivateKey), [gate], this));
        this.membership = pulumi.all([gate.stdout, ...leaves.map((l) => l.stdout)]).apply(() => membershipRecord(plan, membership));

        services.forEach((service, i) => {
            const member = plan.members[i];
            new command.remote.Command(`${name}-${member.name}-bootstrapped`, {
                connection: toRemoteConnection(connectionOf(member.node, args.sshPrivateKey)),
                create: token.apply((t) => asRoot(markBootstrappedScript(member, t), member.node.sshUser)),
                delete: asRoot(unmarkBootstrappedScript(), member.node.sshUser),
            }, { parent: this, dependsOn: [gate, service], customTimeouts: allSteps(STEP_TIMEOUTS.step) });
        });

        // After the gate: tools come from a running etcd, and a restore replaces a formed cluster.
        const backups = plan.backups;
        this.backups = backups && new EtcdBackups(`${name}-backups`, { plan, backups, clusterToken: token, connect: (n) => connectionOf(n, args.sshPrivateKey) }, { parent: this, dependsOn: [gate] });

        const memberList = gate.stdout.apply(parseMemberList);
        this.clusterId = memberList.apply((l) => l.clusterId);
        this.members = memberList.apply((l) => l.members);
        this.caCertPem = ca.certPem;
        this.adminCertPem = clientCerts.admin.certPem;
        this.adminKeyPem = pulumi.secret(clientCerts.admin.keyPem);
        this.apiserverCertPem = clientCerts.apiserver.certPem;
        this.apiserverKeyPem = pulumi.secret(clientCerts.apiserver.keyPem);
        this.certificateExpiry = pulumi
            .all([ca.validityEndTime, memberCerts.validityEndTimes, clientCerts.validityEndTimes])
            .apply(([caEnd, memberEnds, clientEnds]): Record<string, string> => ({ ca: caEnd, ...memberEnds, ...clientEnds }));

        this.registerOutputs({
            clientEndpoints: this.clientEndpoints,
            memberNames: this.memberNames,
            caCertPem: this.caCertPem,
            clusterId: this.clusterId,
            certificateExpiry: this.certificateExpiry,
        });
    }
}
