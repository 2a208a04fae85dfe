// Pure builders of the scripts that write a set of files in one directory and switch to all of
// them at once, as Kubernetes' AtomicWriter does for secret volumes. Used for a member's
// certificates and keys: a handshake loads a certificate and its key from two files, and
// renaming them one by one would let it load a new certificate with an old key.
//
// Layout of the directory (owned by root, writable by root alone):
//
//   ..gen.Ab12Cd34/    one generation: every file of the set, with its mode and owner, fsynced
//   ..data -> ..gen.Ab12Cd34
//   server.crt -> ..data/server.crt     (each name, once, a link through ..data)
//
// A write makes a fresh generation with `mktemp -d` (a name nobody can guess, in a directory
// nobody else can write), fills and fsyncs it, then renames one new `..data` link over the old:
// from that rename on every name resolves into the new generation. Older generations are removed
// last. Links are relative, so the set reads the same through a bind mount (the static pod's).

import { shJoin, shQuote } from "../shellWords";
import { FileTarget, bundleReaderPrelude, normalizeFileMode } from "./shell";

/** The link every name of the set points through. */
export const SET_DATA_LINK = "..data";
/** Prefix of the generation directories. */
export const SET_GENERATION_PREFIX = "..gen.";

/** The one directory the targets share, or an error naming the odd one (a programming error). */
export function setDirectory(files: readonly FileTarget[]): string {
    const dirs = [...new Set(files.map((f) => f.path.slice(0, f.path.lastIndexOf("/"))))];
    if (dirs.length !== 1 || dirs[0] === "") throw new Error(`a file set lives in one directory, got ${JSON.stringify(dirs)}`);
    return dirs[0];
}

const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/**
 * Write a set of files (contents as a bundle on stdin, see shell.ts) into their directory and
 * switch to the new set with one rename. The directory must exist (HostPreparation makes it).
 */
export function writeFileSetScript(files: readonly FileTarget[]): string {
    const dir = setDirectory(files);
    const lines = [
        ...bundleReaderPrelude(),
        `dir=${shQuote(dir)}`,
        `safe_dir "$dir"`,
        `gen=$(mktemp -d "$dir/${SET_GENERATION_PREFIX}XXXXXXXX")`,
        // Leave no half-written generation (possibly holding key material) behind on failure.
        `trap 'rm -rf -- "$gen"' EXIT`,
        `stage() { frame "$1"; IFS= read -r data || fail "file bundle on stdin ended early (frame $1 has no content)"; install -m "$3" -o "$4" -g "$5" /dev/null "$gen/$2"; printf '%s' "$data" | base64 -d > "$gen/$2"; }`,
    ];
    files.forEach((f, i) => lines.push(shJoin(["stage", String(i + 1), baseName(f.path), normalizeFileMode(f.mode), f.owner, f.group])));
    lines.push(
        "frame end",
        // On disk before it is current: a crash after the switch never finds an empty file.
        `sync -- "$gen"/* "$gen"`,
        `chmod 0755 "$gen"`,
        `ln -sfn -- "\${gen##*/}" "$dir/${SET_DATA_LINK}.tmp"`,
        `mv -T -- "$dir/${SET_DATA_LINK}.tmp" "$dir/${SET_DATA_LINK}"`,
        "trap - EXIT",
        // Each name a link through ..data, made once (a file of an older layout is replaced by one).
        `link() { [ "$(readlink -- "$dir/$1" || true)" = "${SET_DATA_LINK}/$1" ] || { ln -sfn -- "${SET_DATA_LINK}/$1" "$dir/.tmp.$1"; mv -T -- "$dir/.tmp.$1" "$dir/$1"; }; }`,
        ...files.map((f) => shJoin(["link", baseName(f.path)])),
        `sync -- "$dir"`,
        `for old in "$dir"/${SET_GENERATION_PREFIX}*; do [ "$old" = "$gen" ] || rm -rf -- "$old"; done`,
    );
    return lines.join("\n");
}

/** Idempotent removal of a set: its names, the `..data` link and every generation. */
export function removeFileSetScript(paths: readonly string[]): string {
    const dir = setDirectory(paths.map((path) => ({ path, mode: "0600", owner: "root", group: "root" })));
    const names = paths.map(baseName);
    return [
        "set -eu",
        `dir=${shQuote(dir)}`,
        `[ -d "$dir" ] || exit 0`,
        `cd -- "$dir"`,
        shJoin(["rm", "-f", "--", ...names, ...names.map((n) => `.tmp.${n}`), SET_DATA_LINK, `${SET_DATA_LINK}.tmp`]),
        `rm -rf -- ${SET_GENERATION_PREFIX}*`,
    ].join("\n");
}
