// The membership the stack's previous `up` recorded, read back through a reference to the stack
// itself (its `membership` output). Read before any resource exists, so the plan knows at
// preview which members join and leave (components/etcd/membership.ts). A stack that never
// finished an `up` has none: its members bootstrap together.

import * as pulumi from "@pulumi/pulumi";
import type { MemberRecord, MembershipRecord } from "../components/etcd/membership";

function isRecord(value: unknown): value is MemberRecord {
    const r = value as Partial<MemberRecord> | null;
    return typeof r === "object" && r !== null && typeof r.name === "string" && typeof r.peerUrl === "string" && typeof r.address === "string";
}

/** The previous `up`'s record, or undefined. */
export async function readPreviousMembership(): Promise<MembershipRecord | undefined> {
    const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
    const { value } = await self.getOutputDetails("membership");
    const v = value as Partial<MembershipRecord> | undefined;
    if (v === undefined || !Array.isArray(v.members) || !v.members.every(isRecord)) return undefined;
    return { members: v.members, removed: Array.isArray(v.removed) ? v.removed.filter(isRecord) : [] };
}
