// Path and URL settings: a strict character set, so a value can never mean anything to the shell
// scripts run as root on the hosts, to systemd (which expands `%` specifiers and `$` in unit
// lines) or to YAML. The scripts quote every value anyway (shellWords.ts); this is the second
// wall, and it keeps the rendered unit and configuration files plain. Part of parseClusterConfig.

import { show } from "./validateValues";

/** Characters a path may hold: letters, digits, `.`, `_`, `+`, `@`, `-` and the `/` separator. */
const PATH = /^[A-Za-z0-9._+@/-]+$/;
/** Longest path setting accepted. */
export const MAX_PATH_LENGTH = 1024;
/** Longest URL setting accepted. */
export const MAX_URL_LENGTH = 2048;
/**
 * Characters a URL may hold: RFC 3986's unreserved and reserved characters and `%` escapes. No
 * space, quote, backslash, backtick, `<`, `>`, `{`, `}`, `|` or `^`, which no URL needs.
 */
const URL_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;

const PATH_RULE = "letters, digits and . _ + @ - separated by /, at most 1024 characters (no space, quote, $, %, ` or other character a shell or systemd would interpret)";

/**
 * Why a path setting is refused, or undefined. `absolute`: a file path on the hosts, which must
 * be absolute and normalized; otherwise a local directory, which may be relative.
 */
export function pathProblem(value: string, absolute: boolean): string | undefined {
    if (value.length > MAX_PATH_LENGTH || !PATH.test(value)) return `${show(value.length > 80 ? `${value.slice(0, 80)}…` : value)} is not a path of ${PATH_RULE}`;
    if (!absolute) return undefined;
    if (!value.startsWith("/") || value.endsWith("/")) return `${show(value)} is not an absolute file path (it must start with / and name a file)`;
    if (value.split("/").slice(1).some((s) => s === "" || s === "." || s === "..")) return `${show(value)} is not a normalized path (no empty, "." or ".." segments)`;
    return undefined;
}

/** Why a URL setting is refused, or undefined: `schemes` it may use, RFC 3986 characters only. */
export function urlProblem(value: string, schemes: readonly string[]): string | undefined {
    const shown = show(value.length > 80 ? `${value.slice(0, 80)}…` : value);
    if (value.length > MAX_URL_LENGTH) return `${shown} is longer than ${MAX_URL_LENGTH} characters`;
    if (!URL_CHARS.test(value)) return `${shown} holds characters no URL has (space, quote, backslash, backtick, < > { } | ^ or a control character)`;
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return `${shown} is not a URL`;
    }
    if (!schemes.includes(url.protocol.replace(/:$/, "")) || url.hostname === "") return `${shown} is not a URL with a host and scheme ${schemes.join(" or ")}`;
    return undefined;
}
