// Pure POSIX shell words: quoting one word, joining a command line, and the path helpers the
// atomic-write scripts share. Imports nothing, so renderers and script builders use it without
// reaching into the SSH transport (components/remote/).

/** Characters that never need quoting in a POSIX shell word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quote one word for a POSIX shell. Safe words are returned as they are; everything else is
 * wrapped in single quotes, with each embedded `'` written as `'"'"'`. Refuses NUL, which no
 * shell word can hold.
 */
export function shQuote(word: string): string {
    if (word.includes("\0")) {
        throw new Error("a shell word can't contain a NUL byte");
    }
    if (SAFE_WORD.test(word)) {
        return word;
    }
    return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** Quote and join words into one command line. */
export function shJoin(words: readonly string[]): string {
    return words.map(shQuote).join(" ");
}

/**
 * Words that run a command as `user`:`group` with no supplementary groups (util-linux `setpriv`),
 * for what root does inside a directory that account owns: root opening a path there would follow
 * a link the account planted, to any file of root's. Empty for root, which owns its directories.
 */
export function asAccount(user: string, group: string): string[] {
    return user === "root" ? [] : ["setpriv", `--reuid=${user}`, `--regid=${group}`, "--clear-groups", "--"];
}

/**
 * Temp file used for an atomic write of `path`: same directory (so `mv` is a rename(2) on the same
 * filesystem, atomic for readers), hidden, and named after the target so leftovers are obvious.
 */
export function tempPathFor(path: string): string {
    const slash = path.lastIndexOf("/");
    return `${path.slice(0, slash + 1)}.tmp.${path.slice(slash + 1)}`;
}

/** Parent directory of an absolute path. */
export function parentDir(path: string): string {
    const slash = path.lastIndexOf("/");
    return slash <= 0 ? "/" : path.slice(0, slash);
}
