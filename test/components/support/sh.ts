// Helpers to run generated scripts under the local POSIX sh, inside temp dirs only.
import * as child_process from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface ShResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Run a script with `sh -c`, feeding `stdin`. */
export function runSh(script: string, stdin = ""): ShResult {
    const r = child_process.spawnSync("sh", ["-c", script], { input: stdin, encoding: "utf8", timeout: 30_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Whether the tools the scripts need exist here (skip execution tests otherwise). */
export function hasTools(...tools: string[]): boolean {
    return tools.every((t) => child_process.spawnSync("sh", ["-c", `command -v ${t}`]).status === 0);
}

/** A fresh temp dir, removed after the process ends. */
export function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `etcdhosts-${prefix}-`));
    process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
}

/** Current user and group names, for scripts that chown. */
export function currentAccount(): { user: string; group: string } {
    const group = child_process.spawnSync("id", ["-gn"], { encoding: "utf8" }).stdout.trim();
    return { user: os.userInfo().username, group };
}

/** Permission bits of a path, as a 4-digit octal string. */
export function modeOf(p: string): string {
    return (fs.statSync(p).mode & 0o7777).toString(8).padStart(4, "0");
}

export const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
