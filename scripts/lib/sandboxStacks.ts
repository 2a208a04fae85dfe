// Which stack of `npm run pulumi` gets the documented sandbox passphrase and the test bed's SSH
// key. Never one picked by its name: a `dev` stack made by hand, or `prod` created while `dev` was
// selected, must not be keyed to a public passphrase. Only a stack that `npm start` made and wrote
// into the sandbox record (a root-owned file in the test bed's state dir), that the command names
// with -s/--stack, that exists in that same backend and that the command does not create.
// CLI (scripts/run.sh, start.sh, stop.sh):
//   sandboxStacks.ts target RECORD -- PULUMI_ARGS...   prints the stack and its key file, exit 0;
//                                                      exit 1 when the command gets neither
//   sandboxStacks.ts add RECORD STACK KEY_FILE         npm start: record STACK of $PULUMI_BACKEND_URL
//   sandboxStacks.ts remove RECORD STACK               npm stop: STACK was removed
import * as fs from "node:fs";
import * as path from "node:path";

const PROJECT = "etcdhosts";
const BACKEND = /^file:\/\/(\/[A-Za-z0-9._/+-]+)$/;
const STACK = /^[A-Za-z0-9._-]+$/;
const KEY_FILE = /^\/[A-Za-z0-9._/+-]+$/;

/** One stack `npm start` made: its backend, its name there and the key its hosts take. */
export interface SandboxEntry {
    backend: string;
    stack: string;
    keyFile: string;
}

export class RecordError extends Error {}

/**
 * The record's entries. A record that root does not own, that others may write or that is not a
 * plain file is refused (RecordError): it would let another account choose which stacks get the
 * sandbox passphrase. A missing record is empty.
 */
export function readRecord(file: string): SandboxEntry[] {
    let st: fs.Stats;
    try {
        st = fs.lstatSync(file);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw e;
    }
    if (!st.isFile()) throw new RecordError(`sandbox record ${file} is not a plain file: ignoring it`);
    if (st.uid !== 0 || (st.mode & 0o022) !== 0) {
        throw new RecordError(`sandbox record ${file} is not safe (owner uid ${st.uid}, mode ${(st.mode & 0o7777).toString(8)}; it must be root's and writable by root only): ignoring it`);
    }
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((line, i) => {
            const [backend, stack, keyFile, ...rest] = line.split("\t");
            if (rest.length > 0 || !BACKEND.test(backend ?? "") || !STACK.test(stack ?? "") || !KEY_FILE.test(keyFile ?? "")) {
                throw new RecordError(`sandbox record ${file}: line ${i + 1} is not BACKEND<tab>STACK<tab>KEY_FILE: ignoring the record`);
            }
            return { backend, stack, keyFile };
        });
}

function writeRecord(file: string, entries: SandboxEntry[]): void {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.rmSync(tmp, { force: true });
    fs.writeFileSync(tmp, entries.map((e) => `${e.backend}\t${e.stack}\t${e.keyFile}\n`).join(""), { mode: 0o600, flag: "wx" });
    fs.renameSync(tmp, file);
}

/** Records `entry` (replacing an older entry for the same backend and stack). */
export function addToRecord(file: string, entry: SandboxEntry): void {
    if (!BACKEND.test(entry.backend)) throw new RecordError(`only stacks of a local file backend are sandbox stacks, not ${entry.backend}`);
    if (!STACK.test(entry.stack) || !KEY_FILE.test(entry.keyFile)) throw new RecordError(`bad sandbox entry ${JSON.stringify(entry)}`);
    const others = readRecord(file).filter((e) => e.backend !== entry.backend || e.stack !== entry.stack);
    writeRecord(file, [...others, entry]);
}

export function removeFromRecord(file: string, backend: string, stack: string): void {
    const entries = readRecord(file);
    const kept = entries.filter((e) => e.backend !== backend || e.stack !== stack);
    if (kept.length !== entries.length) writeRecord(file, kept);
}

/** Global flags of the CLI that take a value, so their value is not read as a command word. */
const VALUE_FLAGS = new Set(["-s", "--stack", "-C", "--cwd", "--color", "-v", "--verbose", "--tracing", "--tracing-header", "--profiling", "--memprofilerate", "--otel-traces"]);

/** The arguments before `--` (after it, everything is a positional value). */
function flagPart(args: string[]): string[] {
    const end = args.indexOf("--");
    return end < 0 ? args : args.slice(0, end);
}

/**
 * The stack the command names with -s/--stack (`-s dev`, `-sdev`, `-s=dev`, `--stack dev`,
 * `--stack=dev`, or `organization/etcdhosts/dev`); undefined when it names none, or several.
 */
export function explicitStack(args: string[]): string | undefined {
    const found: string[] = [];
    const a = flagPart(args);
    for (let i = 0; i < a.length; i++) {
        if (a[i] === "-s" || a[i] === "--stack") found.push(a[++i] ?? "");
        else if (a[i].startsWith("--stack=")) found.push(a[i].slice("--stack=".length));
        else if (/^-s./.test(a[i])) found.push(a[i].slice(2).replace(/^=/, ""));
    }
    if (found.length !== 1) return undefined;
    const name = found[0].replace(new RegExp(`^organization/${PROJECT}/`), "");
    return STACK.test(name) ? name : undefined;
}

/** The command words (`stack init`, `up`, ...): the arguments that are neither flags nor their values. */
function commandWords(args: string[]): string[] {
    const words: string[] = [];
    const a = flagPart(args);
    for (let i = 0; i < a.length; i++) {
        if (VALUE_FLAGS.has(a[i])) i++;
        else if (!a[i].startsWith("-")) words.push(a[i]);
    }
    return words;
}

/** Does the command create a stack or move one (a new stack must never inherit the sandbox's key)? */
export function createsStack(args: string[]): boolean {
    const [cmd, sub] = commandWords(args);
    if (cmd === "new") return true;
    if (cmd !== "stack") return false;
    if (sub === "init" || sub === "rename" || sub === "change-secrets-provider") return true;
    return sub === "select" && flagPart(args).some((x) => x === "-c" || x === "--create");
}

/** Does the stack exist in the file backend at `dir` (its checkpoint, plain or gzipped)? */
export function stackExists(dir: string, stack: string): boolean {
    const base = path.join(dir, ".pulumi", "stacks", PROJECT, stack);
    return fs.existsSync(`${base}.json`) || fs.existsSync(`${base}.json.gz`);
}

/** The sandbox entry the command acts on, if it is one; see the top of this file for the rule. */
export function sandboxTarget(args: string[], entries: SandboxEntry[], backend: string): SandboxEntry | undefined {
    const stack = explicitStack(args);
    const dir = BACKEND.exec(backend)?.[1];
    if (stack === undefined || dir === undefined || createsStack(args)) return undefined;
    const entry = entries.find((e) => e.backend === backend && e.stack === stack);
    return entry && stackExists(dir, stack) ? entry : undefined;
}

function main(argv: string[]): number {
    const [cmd, record, ...rest] = argv;
    const backend = process.env.PULUMI_BACKEND_URL ?? "";
    try {
        if (cmd === "target" && rest[0] === "--") {
            const entry = sandboxTarget(rest.slice(1), readRecord(record), backend);
            if (!entry) return 1;
            process.stdout.write(`${entry.stack}\n${entry.keyFile}\n`);
            return 0;
        }
        if (cmd === "add" && rest.length === 2) {
            addToRecord(record, { backend, stack: rest[0], keyFile: rest[1] });
            return 0;
        }
        if (cmd === "remove" && rest.length === 1) {
            removeFromRecord(record, backend, rest[0]);
            return 0;
        }
    } catch (e) {
        console.error(`sandbox stacks: ${(e as Error).message}`);
        return 2;
    }
    console.error("usage: sandboxStacks.ts target RECORD -- ARGS... | add RECORD STACK KEY_FILE | remove RECORD STACK");
    return 2;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
