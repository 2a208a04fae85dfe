// A small POSIX sh lexer for tests: what the shell would see of each character of a script after
// quote removal, and whether the shell could give that character a meaning (command
// substitution, separators, expansion) or takes it literally. Enough to check that a value
// reaches a script only as data: single-quoted, escaped, or made only of characters that mean
// nothing unquoted. It knows quotes, backslashes and comments; it does not parse here-documents
// (the project's scripts have none), so a test using it on a script with one must say so.

/** One character after quote removal. */
export interface LexedChar {
    readonly ch: string;
    /** Taken literally by the shell: inside single quotes, escaped, or plain text inside double quotes. */
    readonly literal: boolean;
}

/** The characters of `script` after quote removal, each marked literal or not. */
export function lexShell(script: string): LexedChar[] {
    const out: LexedChar[] = [];
    let state: "plain" | "single" | "double" | "comment" = "plain";
    let wordStart = true;
    for (let i = 0; i < script.length; i++) {
        const ch = script[i];
        switch (state) {
            case "plain":
                if (ch === "'") state = "single";
                else if (ch === '"') state = "double";
                else if (ch === "\\" && i + 1 < script.length) out.push({ ch: script[++i], literal: true });
                else if (ch === "#" && wordStart) {
                    state = "comment";
                    out.push({ ch, literal: true });
                } else out.push({ ch, literal: false });
                wordStart = /[\s;&|()<>]/.test(ch);
                break;
            case "single":
                if (ch === "'") state = "plain";
                else out.push({ ch, literal: true });
                wordStart = false;
                break;
            case "double":
                if (ch === '"') state = "plain";
                else if (ch === "\\" && i + 1 < script.length && '$`"\\\n'.includes(script[i + 1])) out.push({ ch: script[++i], literal: true });
                else out.push({ ch, literal: ch !== "$" && ch !== "`" });
                wordStart = false;
                break;
            case "comment":
                // A line break ends the comment and is itself a separator.
                if (ch === "\n") {
                    state = "plain";
                    out.push({ ch, literal: false });
                    wordStart = true;
                } else out.push({ ch, literal: true });
                break;
        }
    }
    return out;
}

/** The text of `script` after quote removal. */
export function unquote(script: string): string {
    return lexShell(script).map((c) => c.ch).join("");
}

/** Characters that mean nothing to the shell even unquoted (shellWords.ts SAFE_WORD). */
const INERT = /^[A-Za-z0-9_@%+=:,./-]$/;

/**
 * Places where `value` reaches `script` other than as data: each occurrence of it (after quote
 * removal) that has a character the shell could interpret. Empty when the value appears only
 * single-quoted, escaped or as inert text, or not at all.
 */
export function activeOccurrences(script: string, value: string): string[] {
    const chars = lexShell(script);
    const text = chars.map((c) => c.ch).join("");
    const found: string[] = [];
    for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) {
        const active = chars.slice(at, at + value.length).some((c) => !c.literal && !INERT.test(c.ch));
        if (active) found.push(text.slice(Math.max(0, at - 40), at + value.length + 40));
    }
    return found;
}

/**
 * The script a command runs: `sudo -n sh -c '<script>'` and `sh -c '<script>'` are unwrapped
 * (one level; the inner script is what runs on the host), anything else is returned as is.
 */
export function innerScript(command: string): string {
    const m = /^(?:sudo -n )?sh -c ('.*')$/s.exec(command);
    return m === null ? command : unquote(m[1]);
}
