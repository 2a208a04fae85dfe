// The member list the health gate prints (`etcdctl member list -w json`, or the same JSON from
// the v3 gateway on static-pod hosts), read back into the stack's outputs. Pure.

/** The member list as the health gate saw it. */
export interface MemberListEntry {
    id: string;
    name: string;
    peerURLs: string[];
    clientURLs: string[];
}

/**
 * etcd prints 64-bit ids as JSON numbers, which lose precision in JS: read them as text. An empty
 * text (a gate that printed nothing) is an empty list, not an exception that fails the whole
 * program after every host was done.
 */
export function parseMemberList(json: string): { clusterId: string; members: MemberListEntry[] } {
    if (json.trim() === "") return { clusterId: "", members: [] };
    const clusterId = /"cluster_id"\s*:\s*"?([0-9]+)"?/.exec(json)?.[1] ?? "";
    const quotedIds = json.replace(/"(ID|id|cluster_id|member_id)"\s*:\s*([0-9]+)/g, '"$1":"$2"');
    const parsed = JSON.parse(quotedIds) as { members?: { ID?: string; name?: string; peerURLs?: string[]; clientURLs?: string[] }[] };
    return {
        clusterId,
        members: (parsed.members ?? []).map((m) => ({
            id: m.ID ?? "",
            name: m.name ?? "",
            peerURLs: m.peerURLs ?? [],
            clientURLs: m.clientURLs ?? [],
        })),
    };
}
