// What a runtime does on a member's host: start, restart, stop and check etcd. A layout names its
// runtime (layouts/spec.ts); the generic scripts in lifecycleScripts.ts call these.

import type { MemberPlan } from "../member";

export interface RuntimeScripts {
    /** A shell test that succeeds when this member answers healthy on its own. */
    memberHealthyCheck(member: MemberPlan): string;
    /** A shell test that succeeds when every listed client endpoint answers healthy. */
    clusterHealthyCheck(member: MemberPlan, endpoints: readonly string[]): string;
    /**
     * The roll's pre-check: lines that define it, and the shell test that succeeds when the
     * cluster's other voting members answer healthy. `others` is the plan's view of them; a
     * runtime that can ask the cluster uses its member list instead, so that the script's text
     * does not change with the membership (which would re-run the roll) and a member that is
     * still joining is not waited for.
     */
    othersHealthy(member: MemberPlan, others: readonly string[]): { setup: string[]; check: string };
    /** Prints the member list as JSON. */
    memberListCommand(member: MemberPlan, endpoints: readonly string[]): string;
    /** Diagnostics printed when a member does not come up: what its runtime says. */
    diagnostics(member: MemberPlan): string;
    /** First start; a no-op for a member that already runs. See `startScript`. */
    startScript(member: MemberPlan): string;
    /** Lines of the roll that restart the member (after the pre-check, before the health wait). */
    restartLines(member: MemberPlan, memberSeconds: number): string[];
    /** Stop the member and take it out of its runtime. Idempotent. */
    stopScript(member: MemberPlan): string;
}
