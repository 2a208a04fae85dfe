// npm run preview:pr -- --stack <name> [--out <dir>]
//
// A pull request's preview: runs `pulumi preview --json` on the stack and writes, into --out
// (default: pr-preview/), preview.json (the CLI's JSON, secrets already "[secret]") and
// preview.md (the summary for a pull-request comment, scripts/lib/previewMarkdown.ts). The
// preview needs no host: the program reads the previous membership from the stack itself and
// runs no remote command before `up`. Exits with the preview's status, after writing both files
// (a failed preview's summary lists its errors).

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PreviewJson, renderPreviewMarkdown } from "./lib/previewMarkdown";

const USAGE = "usage: npm run preview:pr -- --stack <name> [--out <dir>]";

export interface PreviewPrArgs {
    stack: string;
    out: string;
}

export function parseArgs(argv: readonly string[], cwd: string): PreviewPrArgs {
    let stack: string | undefined;
    let out = path.join(cwd, "pr-preview");
    for (let i = 0; i < argv.length; i++) {
        const value = argv[i + 1];
        if ((argv[i] === "--stack" || argv[i] === "-s") && value) {
            stack = value;
            i++;
        } else if (argv[i] === "--out" && value) {
            out = path.resolve(cwd, value);
            i++;
        } else {
            throw new Error(`${USAGE}\n(unexpected argument: ${argv[i]})`);
        }
    }
    if (!stack) throw new Error(`${USAGE}\n(--stack is required)`);
    return { stack, out };
}

function main(): number {
    const args = parseArgs(process.argv.slice(2), process.cwd());
    console.error(`preview:pr: pulumi preview --json --stack ${args.stack}`);
    // stderr is the user's terminal (progress, plugin messages); stdout is the JSON document.
    const r = spawnSync("pulumi", ["preview", "--json", "--stack", args.stack, "--non-interactive"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 256 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    const status = r.status ?? 1;
    let preview: PreviewJson;
    try {
        preview = JSON.parse(r.stdout) as PreviewJson;
    } catch {
        // The CLI failed before it had a preview to print (no such stack, no passphrase): its
        // message went to stderr above; the summary says so.
        preview = { diagnostics: [{ message: `pulumi preview printed no JSON (exit ${status}); see the job's log`, severity: "error" }] };
    }
    fs.mkdirSync(args.out, { recursive: true });
    fs.writeFileSync(path.join(args.out, "preview.json"), r.stdout || "{}\n");
    fs.writeFileSync(path.join(args.out, "preview.md"), renderPreviewMarkdown(preview, { stack: args.stack, status }));
    console.error(`preview:pr: wrote ${path.join(args.out, "preview.md")} and preview.json (preview exit ${status})`);
    return status;
}

if (require.main === module) {
    try {
        process.exitCode = main();
    } catch (e) {
        console.error((e as Error).message);
        process.exitCode = 2;
    }
}
