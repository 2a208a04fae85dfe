// The commands that change the member list of a running cluster, wired as EtcdCluster's
// children (the scripts are in membershipScripts.ts, the decisions in membership.ts):
//
// - `${name}-${node}-member`, one per member: promotes a joiner once it has caught up and waits
//   until it votes and answers healthy (a no-op for a member that already votes). A joiner's
//   runs before the health gate and before the next joiner is added; everyone else's after it.
// - `${name}-${node}-leave`, one per removed member: removes it from the member list, run on a
//   member that stays, before the removed member's own resources are deleted (Pulumi deletes
//   what left the program at the end of an `up`, after every create). It stays declared while
//   the stack records the removal, so later `up`s change nothing.

import { STEP_TIMEOUTS } from "../constants";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { SshConnectionArgs, allSteps, toRemoteConnection } from "../remote/connection";
import { asRoot } from "../remote/shell";
import type { MemberPlan } from "./member";
import type { MemberRecord } from "./membership";
import { promoteScript, removeMemberScript } from "./membershipScripts";

/** The promote-and-wait step of one member. */
export function memberStep(name: string, member: MemberPlan, connection: SshConnectionArgs, dependsOn: pulumi.Resource[], parent: pulumi.Resource): command.remote.Command {
    return new command.remote.Command(`${name}-${member.name}-member`, {
        connection: toRemoteConnection(connection),
        create: asRoot(promoteScript(member), connection.user),
    }, { parent, dependsOn, customTimeouts: allSteps(STEP_TIMEOUTS.step) });
}

/** The removal of one member that left the inventory, run on `anchor`. */
export function leaveStep(name: string, removed: MemberRecord, anchor: MemberPlan, connection: SshConnectionArgs, dependsOn: pulumi.Resource[], parent: pulumi.Resource): command.remote.Command {
    return new command.remote.Command(`${name}-${removed.name}-leave`, {
        connection: toRemoteConnection(connection),
        create: asRoot(removeMemberScript(anchor, removed), connection.user),
    }, { parent, dependsOn, customTimeouts: allSteps(STEP_TIMEOUTS.step) });
}
