// npm run preview:pr's Markdown summary (scripts/lib/previewMarkdown.ts), pinned on a recorded
// preview: test/fixtures/preview-pr/preview.json is `pulumi preview --json` of the dev
// configuration (CLI 3.259), cut down to a few steps, with update, replace and delete steps, two
// membership lines and a warning edited in, so that one fixture shows every part of the format.
// UPDATE_GOLDEN=1 rewrites preview.md.

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PreviewJson, memberNames, memberOf, renderPreviewMarkdown, showValue } from "../../scripts/lib/previewMarkdown";
import { parseArgs } from "../../scripts/previewPr";
import { ROOT } from "./helpers";

const DIR = path.join(ROOT, "test/fixtures/preview-pr");
const fixture = (): PreviewJson => JSON.parse(fs.readFileSync(path.join(DIR, "preview.json"), "utf8")) as PreviewJson;

describe("preview:pr Markdown", () => {
    it("matches the golden summary of the recorded preview", () => {
        const md = renderPreviewMarkdown(fixture(), { stack: "dev", status: 0 });
        const golden = path.join(DIR, "preview.md");
        if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(golden, md);
        assert.equal(md, fs.readFileSync(golden, "utf8"));
    });

    it("never prints a secret: [secret] from the CLI and Pulumi's secret signature are both masked", () => {
        const p = fixture();
        const step = p.steps!.find((s) => s.op === "update")!;
        step.oldState!.inputs!.stdin = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "KEY-MATERIAL" };
        step.newState!.inputs!.stdin = "[secret]";
        step.detailedDiff = { stdin: { kind: "update" } };
        const md = renderPreviewMarkdown(p, { stack: "dev", status: 0 });
        assert.doesNotMatch(md, /KEY-MATERIAL/);
        assert.match(md, /`stdin` \[secret\]/);
        assert.equal(showValue({ a: { "4dabf18193072939515e22adb298388d": "x", value: "s" } }), '`{"a":"[secret]"}`');
    });

    it("groups by member name, longest first, and keeps leaving members from the membership lines", () => {
        assert.deepEqual(memberNames(fixture()), ["h1", "h2", "h3", "h4"]);
        assert.equal(memberOf("etcd-h10-start", ["h10", "h1"]), "h10");
        assert.equal(memberOf("etcd-members-pc-master-server-key", ["pc-master"]), "pc-master");
        assert.equal(memberOf("etcd-health", ["h1"]), undefined);
    });

    it("reads the CLI's severity prefixes off its messages", () => {
        const md = renderPreviewMarkdown(
            { diagnostics: [{ message: 'info: membership: "h4" joins\n', severity: "info" }, { message: "warning: etcdVersion: etcd 3.4 is end of life\n", severity: "warning" }] },
            { stack: "s", status: 0 },
        );
        assert.match(md, /### :warning: Membership changes\n\n- "h4" joins\n/);
        assert.match(md, /### Warnings\n\n- etcdVersion: etcd 3.4 is end of life\n/);
    });

    it("says when the preview failed, with its errors", () => {
        const md = renderPreviewMarkdown({ diagnostics: [{ message: "invalid etcdhosts configuration\n", severity: "error" }] }, { stack: "prod", status: 255 });
        assert.equal(md.split("\n").slice(0, 7).join("\n"), "## Pulumi preview: stack `prod` (failed)\n\nNo changes listed: the preview failed.\n\n### Errors\n\n- invalid etcdhosts configuration");
    });

    it("parses its command line", () => {
        assert.deepEqual(parseArgs(["--stack", "prod", "--out", "x"], "/w"), { stack: "prod", out: "/w/x" });
        assert.deepEqual(parseArgs(["-s", "dev"], "/w"), { stack: "dev", out: "/w/pr-preview" });
        assert.throws(() => parseArgs([], "/w"), /--stack is required/);
    });
});
