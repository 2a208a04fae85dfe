// Pure POSIX shell helpers: privilege wrapping, and the scripts that write files atomically with a
// given mode, owner and group (quoting lives in ../shellWords). Every remote script in this
// project is built here or from these pieces, so its exact text can be unit-tested without a host.
//
// Scripts are written for POSIX `sh` (dash on Debian): no `pipefail`, no arrays, no `[[`.

import { shJoin, shQuote, tempPathFor } from "../shellWords";

/** Whether commands for this SSH user need `sudo`. */
export function needsSudo(sshUser: string): boolean {
    return sshUser !== "root";
}

/**
 * Run a script as root. The script is passed to `sh -c` as one quoted word, so it runs under a
 * POSIX shell whatever the login shell is, and keeps reading the command's stdin.
 *
 * Non-root users get `sudo -n`: non-interactive, so a missing NOPASSWD rule fails at once with
 * "a password is required" instead of hanging the deployment on a prompt nobody can answer.
 */
export function asRoot(script: string, sshUser: string): string {
    const body = asLoginUser(script);
    return needsSudo(sshUser) ? `sudo -n ${body}` : body;
}

/** Run a script as the login user, under a POSIX shell whatever the login shell is. */
export function asLoginUser(script: string): string {
    return `sh -c ${shQuote(script)}`;
}

/** Problems with an absolute path we will write or create (empty when valid). */
export function validateAbsolutePath(path: string, field: string): string[] {
    if (typeof path !== "string" || path === "") {
        return [`${field} must be a non-empty absolute path`];
    }
    if (path === "/") {
        return [];
    }
    if (!path.startsWith("/")) {
        return [`${field} must be an absolute path, got ${JSON.stringify(path)}`];
    }
    if (/[\0\n\r]/.test(path)) {
        return [`${field} must not contain NUL or line breaks, got ${JSON.stringify(path)}`];
    }
    if (path.length > 1 && path.endsWith("/")) {
        return [`${field} must not end with "/", got ${JSON.stringify(path)}`];
    }
    const segments = path.split("/").slice(1);
    if (segments.some((s) => s === "" || s === "." || s === "..")) {
        return [`${field} must be normalized (no empty, "." or ".." segments), got ${JSON.stringify(path)}`];
    }
    return [];
}

/** Four-digit form of an octal mode: `600` → `0600`. */
export function normalizeFileMode(mode: string): string {
    return mode.length === 3 ? `0${mode}` : mode;
}

/**
 * Shell function `safe_dir DIR` (needs `fail`): fails unless DIR is a directory owned by root that
 * nobody else can write. Root writes temp files only into such directories: there nobody can
 * plant a link at a temp file's name for root to follow.
 */
export const SAFE_DIR_FUNCTION = `safe_dir() { [ -n "$(find -H "$1" -maxdepth 0 -type d -user 0 ! -perm /022 2>/dev/null)" ] || fail "$1 must be a directory owned by root and writable by root alone"; }`;

/** Where and how one file is written. Content travels separately, on stdin. */
export interface FileTarget {
    /** Absolute, normalized path. */
    path: string;
    /** Octal mode, e.g. `0600`. */
    mode: string;
    /** Owning user (name or numeric id). */
    owner: string;
    /** Owning group (name or numeric id). */
    group: string;
}

// --- File bundles --------------------------------------------------------------------------
//
// Several files go to one host in one SSH command. Their contents travel on stdin as a bundle:
//
//   --- 1
//   <base64 of file 1, one line>
//   --- 2
//   <base64 of file 2, one line>
//   --- end
//
// Base64 keeps every content on one line whatever bytes it holds, so `read -r` can frame it,
// and the numbered headers plus the `--- end` trailer let the script detect a truncated or
// misordered stream before it renames anything into place.

/** Encode file contents, in script order, as a bundle for stdin. */
export function encodeFileBundle(contents: readonly string[]): string {
    const lines: string[] = [];
    contents.forEach((content, i) => {
        lines.push(`--- ${i + 1}`, Buffer.from(content, "utf8").toString("base64"));
    });
    lines.push("--- end");
    return lines.join("\n") + "\n";
}

/** Inverse of {@link encodeFileBundle}; throws on a malformed bundle. For tests and debugging. */
export function decodeFileBundle(bundle: string): string[] {
    const lines = bundle.split("\n");
    if (lines.pop() !== "") {
        throw new Error("bundle must end with a newline");
    }
    const contents: string[] = [];
    let i = 0;
    for (;;) {
        const header = lines[i++];
        if (header === "--- end") {
            break;
        }
        if (header !== `--- ${contents.length + 1}`) {
            throw new Error(`bundle frame ${contents.length + 1} is missing`);
        }
        const data = lines[i++];
        if (data === undefined) {
            throw new Error(`bundle frame ${contents.length + 1} has no content line`);
        }
        contents.push(Buffer.from(data, "base64").toString("utf8"));
    }
    if (i !== lines.length) {
        throw new Error("bundle has data after its end marker");
    }
    return contents;
}

/**
 * The start every file-bundle writer shares: strict shell, private umask, `fail`, `frame` (reads
 * one `--- N` frame line of the bundle on stdin) and `safe_dir`.
 */
export function bundleReaderPrelude(): string[] {
    return [
        "set -eu",
        "umask 077",
        `fail() { printf 'etcdhosts: %s\\n' "$*" >&2; exit 1; }`,
        `frame() { IFS= read -r line || fail "file bundle on stdin ended early (expected frame $1)"; [ "$line" = "--- $1" ] || fail "file bundle on stdin is malformed (expected frame $1)"; }`,
        SAFE_DIR_FUNCTION,
    ];
}

/**
 * Script that writes every file of a bundle read from stdin, each atomically.
 *
 * For each file, in order: create the parent directory if missing (0700 under `umask 077`; give
 * directories other modes with `HostPreparation` beforehand), refuse a parent directory anyone but
 * root could write (a link planted at the temp file's name would be followed by root), create an
 * empty temp file next to the target with its final mode, owner and group, decode the content
 * into it, and only after the `--- end` trailer was read, rename every temp file over its target.
 * For files that must change together (a certificate and its key), see `fileSet.ts`.
 *
 * Why `install /dev/null` and then `base64 -d >`: the file exists with its final owner and mode
 * before a single byte of (possibly secret) content lands in it, and a decoding error is the
 * last command of its pipeline, so `set -e` sees it (POSIX sh has no `pipefail`).
 *
 * The script never prints content: no `tee`, no `echo` of data, no `set -x`.
 */
export function writeFilesScript(files: readonly FileTarget[]): string {
    const temps = files.map((f) => tempPathFor(f.path));
    const lines = [
        ...bundleReaderPrelude(),
        `stage() { frame "$1"; IFS= read -r data || fail "file bundle on stdin ended early (frame $1 has no content)"; mkdir -p -- "$(dirname -- "$2")"; safe_dir "$(dirname -- "$2")"; rm -f -- "$3"; install -m "$4" -o "$5" -g "$6" /dev/null "$3"; printf '%s' "$data" | base64 -d > "$3"; }`,
    ];
    if (temps.length > 0) {
        // Leave no half-written temp file (possibly holding key material) behind on failure.
        lines.push(`trap ${shQuote(`rm -f -- ${shJoin(temps)}`)} EXIT`);
    }
    files.forEach((f, i) => {
        lines.push(shJoin(["stage", String(i + 1), f.path, temps[i], normalizeFileMode(f.mode), f.owner, f.group]));
    });
    lines.push("frame end");
    files.forEach((f, i) => {
        lines.push(shJoin(["mv", "-f", "--", temps[i], f.path]));
    });
    return lines.join("\n");
}

/** Idempotent removal of written files and of any temp file a failed write left behind. */
export function removeFilesScript(paths: readonly string[]): string {
    const all = paths.flatMap((p) => [p, tempPathFor(p)]);
    return ["set -eu", shJoin(["rm", "-f", "--", ...all])].join("\n");
}
