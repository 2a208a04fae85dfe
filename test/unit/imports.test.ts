// Imports run one way: config → plan → render → wire. Checked on the source text, so a new import
// that crosses a layer fails here, not in review.
//
// - config: the parser and its rules (components/config.ts, validate*.ts, types.ts), with the
//   data they read (constants, layouts' specs, etcd's flag and version tables);
// - plan: components/etcd/plan.ts and the member model;
// - render: renderers, flags, SANs and the lifecycle scripts of each runtime (pure);
// - wire: the Pulumi components, which alone reach the hosts (components/remote/) and Pulumi.

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./helpers";

const COMPONENTS = path.join(ROOT, "components");

/** Every .ts file under components/, relative to it. */
function sources(dir = COMPONENTS): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return sources(full);
        return e.name.endsWith(".ts") ? [path.relative(COMPONENTS, full)] : [];
    });
}

/** What a file imports: paths relative to components/ for local modules, package names otherwise. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(path.join(COMPONENTS, file), "utf8");
    return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)";/gms)].map((m) => {
        const spec = m[1];
        if (!spec.startsWith(".")) return spec;
        const resolved = path.relative(COMPONENTS, path.resolve(path.dirname(path.join(COMPONENTS, file)), spec));
        const asDir = path.join(COMPONENTS, resolved);
        return fs.existsSync(asDir) && fs.statSync(asDir).isDirectory() ? `${resolved}/index` : resolved;
    });
}

const CONFIG = (f: string): boolean => /^(config|configError|types|validate[A-Za-z]*|constants|shellWords)\.ts$/.test(f);
const DATA = (f: string): boolean => /^etcd\/(versions|flagTable|goDuration)\.ts$/.test(f) || f.startsWith("etcd/layouts/");
const PLAN = (f: string): boolean => /^etcd\/(plan|member|backupPlan)\.ts$/.test(f);
const RENDER = (f: string): boolean =>
    /^etcd\/(render[A-Za-z]*|flags|memberSans|memberList|lifecycleScripts|snapshotScript|snapshotStatus|restoreScripts)\.ts$/.test(f) || f.startsWith("etcd/runtimes/") || f === "pki/sans.ts" || f === "pki/certProfiles.ts";
const sourceOf = (i: string): string => `${i}.ts`;

describe("imports run one way", () => {
    const files = sources();
    const table = files.map((f) => ({ file: f, imports: importsOf(f) }));

    it("sees every source file and its imports", () => {
        assert.ok(files.includes("etcd/plan.ts") && files.includes("config.ts") && files.includes("etcd/etcdCluster.ts"));
        assert.ok(table.find((t) => t.file === "etcd/plan.ts")!.imports.includes("etcd/layouts/index"));
    });

    it("pki/ and remote/ import nothing from etcd/", () => {
        const bad = table.filter((t) => /^(pki|remote)\//.test(t.file)).flatMap((t) => t.imports.filter((i) => i.startsWith("etcd/")).map((i) => `${t.file} → ${i}`));
        assert.deepEqual(bad, []);
    });

    it("config (parser, rules, types, constants) imports only config and data: nothing from plan, render or wire", () => {
        const bad = table
            .filter((t) => CONFIG(t.file) || DATA(t.file))
            .flatMap((t) => t.imports.filter((i) => fs.existsSync(path.join(COMPONENTS, sourceOf(i))) && !CONFIG(sourceOf(i)) && !DATA(sourceOf(i))).map((i) => `${t.file} → ${i}`));
        assert.deepEqual(bad, []);
    });

    it("the plan imports nothing from wire: no Pulumi, no remote/, no component", () => {
        const bad = table
            .filter((t) => PLAN(t.file))
            .flatMap((t) => t.imports.filter((i) => i.startsWith("@pulumi/") || i.startsWith("remote/") || /^etcd\/(etcd[A-Z]|hostInstall)/.test(i)).map((i) => `${t.file} → ${i}`));
        assert.deepEqual(bad, []);
    });

    it("renderers and scripts import nothing from wire (remote/, Pulumi values, components) nor the plan builder", () => {
        const bad = table
            .filter((t) => RENDER(t.file))
            .flatMap((t) =>
                t.imports
                    .filter((i) => i === "@pulumi/pulumi" || i === "@pulumi/command" || i.startsWith("remote/") || i === "etcd/plan" || /^etcd\/(etcd[A-Z]|hostInstall)/.test(i) || /^pki\/(certificateAuthority|memberCertificates|clientCertificates)$/.test(i))
                    .map((i) => `${t.file} → ${i}`),
            );
        assert.deepEqual(bad, []);
    });

    it("no source file under components/ is over 300 lines", () => {
        const long = files.map((f) => ({ f, n: fs.readFileSync(path.join(COMPONENTS, f), "utf8").split("\n").length - 1 })).filter((x) => x.n > 300);
        assert.deepEqual(long, []);
    });
});
