// What a host's snapshot status file says (written by the snapshot script, see
// snapshotScript.ts), as a typed record for the stack output and `npm run snapshot`. Pure.

/** The outcome of the last snapshot run on one host. */
export interface SnapshotStatus {
    /**
     * `ok`, `failed`, `skipped` (another member took this interval's snapshot), `none` (no run
     * yet), `unreadable` (the host could not be asked) or `unknown` (not read: a preview).
     */
    readonly result: string;
    /** Why, in one line: the failure, the skip, or what the last success wrote. */
    readonly message: string;
    /** UTC times (RFC 3339) of the last run and of the last success. */
    readonly lastAttempt?: string;
    readonly lastSuccess?: string;
    /** The last successful snapshot: its file name in the snapshot directory and what etcdutl read from it. */
    readonly file?: string;
    readonly revision?: number;
    readonly hash?: number;
    readonly totalKeys?: number;
    /** File size in bytes. */
    readonly size?: number;
    readonly sha256?: string;
}

const NUMBERS = { revision: "revision", hash: "hash", total_keys: "totalKeys", size: "size" } as const;
const TEXTS = { last_attempt: "lastAttempt", last_success: "lastSuccess", file: "file", sha256: "sha256" } as const;

/** Parse the `key=value` status file; an empty text means no run yet. */
export function parseSnapshotStatus(text: string): SnapshotStatus {
    const fields = new Map<string, string>();
    for (const line of text.split("\n")) {
        const eq = line.indexOf("=");
        if (eq > 0 && !fields.has(line.slice(0, eq))) fields.set(line.slice(0, eq), line.slice(eq + 1));
    }
    if (!fields.has("result")) return { result: "none", message: "no snapshot run yet on this host" };
    const out: Record<string, string | number> = { result: fields.get("result") ?? "", message: fields.get("message") ?? "" };
    for (const [key, name] of Object.entries(TEXTS)) {
        const v = fields.get(key);
        if (v !== undefined && v !== "") out[name] = v;
    }
    for (const [key, name] of Object.entries(NUMBERS)) {
        const v = fields.get(key);
        if (v !== undefined && /^[0-9]+$/.test(v)) out[name] = Number(v);
    }
    return out as unknown as SnapshotStatus;
}
