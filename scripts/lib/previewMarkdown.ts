// The Markdown summary of a `pulumi preview --json` for a pull-request comment (npm run
// preview:pr): what changes, grouped by member, with the membership and CA changes called out
// first, because those are the ones a reviewer must not miss. Pure: JSON in, text out.
//
// Values are shown only when short and never when secret: the CLI already prints secrets as
// "[secret]" without --show-secrets, and anything still carrying Pulumi's secret signature is
// masked here as well, so a comment can never leak one.

/** The parts of `pulumi preview --json` read here (CLI 3.259: config, steps, diagnostics, changeSummary). */
export interface PreviewJson {
    config?: Record<string, string>;
    steps?: PreviewStep[];
    diagnostics?: { urn?: string; message: string; severity: string }[];
    changeSummary?: Record<string, number>;
}

export interface PreviewStep {
    op: string;
    urn: string;
    oldState?: { type?: string; inputs?: Record<string, unknown> };
    newState?: { type?: string; inputs?: Record<string, unknown> };
    diffReasons?: string[];
    replaceReasons?: string[];
    detailedDiff?: Record<string, { kind: string }> | null;
}

export const SECRET = "[secret]";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const MAX_VALUE = 60;

/** The kinds of change a reviewer reads, in the order they are listed. */
const KINDS = ["replace", "delete", "update", "create"] as const;
type Kind = (typeof KINDS)[number];

/** A step's kind; undefined for steps that change nothing (same, read) or that a `replace` step already stands for. */
function kindOf(op: string): Kind | undefined {
    switch (op) {
        case "create":
        case "import":
            return "create";
        case "update":
            return "update";
        case "replace":
            return "replace";
        case "delete":
        case "discard":
            return "delete";
        default:
            return undefined; // same, read, refresh, create-replacement, delete-replaced
    }
}

function isSecret(v: unknown): boolean {
    if (v === SECRET) return true;
    return typeof v === "object" && v !== null && SECRET_SIG in v;
}

/** A value as a reviewer may see it: secrets masked, long or structured values summarised. */
export function showValue(v: unknown): string {
    if (v === undefined) return "(none)";
    if (isSecret(v)) return SECRET;
    if (typeof v === "string") {
        if (v.includes("\n")) return `(${v.split("\n").length} lines)`;
        return v.length > MAX_VALUE ? `(${v.length} characters)` : `\`${v.replace(/`/g, "'")}\``;
    }
    if (typeof v === "number" || typeof v === "boolean") return `\`${v}\``;
    const text = JSON.stringify(v, (_k, x: unknown) => (isSecret(x) ? SECRET : x));
    return text.length > MAX_VALUE ? `(${Array.isArray(v) ? `${v.length} items` : "object"})` : `\`${text}\``;
}

/** The resource's name (the URN's last part) and type. */
function nameAndType(step: PreviewStep): { name: string; type: string } {
    const name = step.urn.slice(step.urn.lastIndexOf("::") + 2);
    const type = step.newState?.type ?? step.oldState?.type ?? step.urn.split("::")[2]?.split("$").pop() ?? "";
    return { name, type };
}

/** The members named in the configuration and in the membership lines (a leaving member is in neither list of nodes any more). */
export function memberNames(preview: PreviewJson): string[] {
    const names = new Set<string>();
    try {
        const nodes = JSON.parse(preview.config?.["etcdhosts:nodes"] ?? "[]") as { name?: unknown }[];
        for (const n of nodes) if (typeof n.name === "string") names.add(n.name);
    } catch {
        // A secret or malformed inventory: group by the membership lines alone.
    }
    for (const line of membershipLines(preview)) {
        const m = /^membership: "([^"]+)"/.exec(line);
        if (m) names.add(m[1]);
    }
    // Longest first: a member "h1" must not claim the resources of "h10".
    return [...names].sort((a, b) => b.length - a.length || a.localeCompare(b));
}

/** Which member a resource belongs to: child names are `<component>-<member>-<role>` (or end in the member's name). */
export function memberOf(resourceName: string, members: readonly string[]): string | undefined {
    return members.find((m) => resourceName.includes(`-${m}-`) || resourceName.endsWith(`-${m}`));
}

/** A diagnostic's text without the severity the CLI puts in front of some ("warning: ..."). */
function text(message: string): string {
    return message.trim().replace(/^(info|warning|error):\s*/, "");
}

function messages(preview: PreviewJson, pred: (d: { message: string; severity: string }) => boolean): string[] {
    return (preview.diagnostics ?? []).filter(pred).map((d) => text(d.message));
}

/** The program's `membership:` lines (index.ts logs one per joining or leaving member). */
export function membershipLines(preview: PreviewJson): string[] {
    return messages(preview, (d) => text(d.message).startsWith("membership:"));
}

/** What changed on one step: property names, with old → new for short values. */
function changes(step: PreviewStep): string {
    const keys = Object.keys(step.detailedDiff ?? {});
    const props = keys.length > 0 ? keys : (step.diffReasons ?? []);
    if (props.length === 0) return "";
    const top = (p: string) => p.split(/[.[]/)[0];
    const parts = [...new Set(props.map(top))].map((p) => {
        const before = step.oldState?.inputs?.[p];
        const after = step.newState?.inputs?.[p];
        if (isSecret(before) || isSecret(after)) return `\`${p}\` ${SECRET}`;
        if (step.oldState === undefined || step.newState === undefined) return `\`${p}\``;
        if (typeof before === "string" && typeof after === "string" && (before + after).includes("\n")) {
            return `\`${p}\`: text changed (${before.split("\n").length} → ${after.split("\n").length} lines)`;
        }
        return `\`${p}\`: ${showValue(before)} → ${showValue(after)}`;
    });
    const replace = step.replaceReasons?.length ? ` (replaced because of ${step.replaceReasons.map((r) => `\`${r}\``).join(", ")})` : "";
    return parts.join("; ") + replace;
}

/** The CA's resources: their change reaches every member's trust (pitfalls P9). */
function isCaStep(name: string): boolean {
    return /-ca(-|$)/.test(name);
}

export interface RenderOptions {
    stack: string;
    /** The preview's exit status: non-zero when it failed. */
    status: number;
}

export function renderPreviewMarkdown(preview: PreviewJson, opts: RenderOptions): string {
    const members = memberNames(preview);
    const steps = (preview.steps ?? []).filter((s) => !s.urn.includes("::pulumi:pulumi:Stack::"));
    const groups = new Map<string, { kind: Kind; step: PreviewStep }[]>();
    const counts: Record<Kind, number> = { replace: 0, delete: 0, update: 0, create: 0 };
    const caChanges: string[] = [];
    for (const step of steps) {
        const kind = kindOf(step.op);
        if (kind === undefined) continue;
        counts[kind]++;
        const { name } = nameAndType(step);
        const group = memberOf(name, members) ?? "";
        if (!groups.has(group)) groups.set(group, []);
        groups.get(group)!.push({ kind, step });
        if (isCaStep(name)) caChanges.push(`${kind} \`${name}\``);
    }

    const out: string[] = [];
    const failed = opts.status !== 0;
    out.push(`## Pulumi preview: stack \`${opts.stack}\`${failed ? " (failed)" : ""}`, "");
    const total = KINDS.reduce((n, k) => n + counts[k], 0);
    out.push(
        total === 0
            ? failed
                ? "No changes listed: the preview failed."
                : "No changes."
            : KINDS.filter((k) => counts[k] > 0)
                  .map((k) => `**${counts[k]}** to ${k}`)
                  .join(" · "),
        "",
    );

    const errors = messages(preview, (d) => d.severity === "error");
    if (errors.length > 0) {
        out.push("### Errors", "", ...errors.map((m) => `- ${m}`), "");
    }
    const membership = membershipLines(preview);
    if (membership.length > 0) {
        out.push("### :warning: Membership changes", "", ...membership.map((m) => `- ${m.replace(/^membership:\s*/, "")}`), "");
    }
    if (caChanges.length > 0) {
        out.push("### :warning: CA changes (every member's trust changes)", "", ...caChanges.map((c) => `- ${c}`), "");
    }
    const warnings = messages(preview, (d) => d.severity === "warning");
    if (warnings.length > 0) {
        out.push("### Warnings", "", ...warnings.map((m) => `- ${m}`), "");
    }

    // Members in inventory order isn't known here; sorted names, cluster-wide resources last.
    const order = [...groups.keys()].filter((g) => g !== "").sort();
    if (groups.has("")) order.push("");
    for (const group of order) {
        out.push(group === "" ? "### Cluster-wide" : `### Member \`${group}\``, "");
        out.push("| change | resource | type | what changes |", "|---|---|---|---|");
        const rows = groups.get(group)!.sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.step.urn.localeCompare(b.step.urn));
        for (const { kind, step } of rows) {
            const { name, type } = nameAndType(step);
            out.push(`| ${kind} | \`${name}\` | \`${type}\` | ${changes(step).replace(/\|/g, "\\|")} |`);
        }
        out.push("");
    }
    out.push("<sub>Secrets are shown as `[secret]`. The full preview is in the JSON beside this summary.</sub>", "");
    return out.join("\n");
}
