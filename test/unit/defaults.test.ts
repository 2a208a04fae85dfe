// Each config key's default and validation rule live in one place. Defaults: Pulumi.yaml's
// `config:` section (config.test.ts checks it declares one for every scalar key), which Pulumi
// applies before the parser runs; the parser itself defaults nothing, and the components take
// validated, typed values with no defaults of their own. Rules: the parser (config.ts and the
// validate*.ts modules it calls) and the plan; no component validates its args again.

import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SCALAR_KEYS } from "../../components/config";
import { ROOT, problemsOf, rawConfig } from "./helpers";

const COMPONENTS = path.join(ROOT, "components");

/** The files that define a Pulumi component (a class extending ComponentResource). */
function componentFiles(dir = COMPONENTS): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return componentFiles(full);
        return e.name.endsWith(".ts") && /extends pulumi\.ComponentResource/.test(fs.readFileSync(full, "utf8")) ? [full] : [];
    });
}

describe("one source for defaults and rules", () => {
    for (const key of Object.keys(SCALAR_KEYS)) {
        it(`the parser defaults nothing: without ${key} it says the key is required`, () => {
            const raw = rawConfig();
            delete raw[key];
            assert.deepEqual(problemsOf(raw), [`${key}: required (Pulumi.yaml gives it a default; pass every declared key)`]);
        });
    }

    const files = componentFiles();

    it("finds the components", () => {
        const names = files.map((f) => path.relative(COMPONENTS, f)).sort();
        assert.deepEqual(names, [
            "etcd/etcdBackups.ts",
            "etcd/etcdCluster.ts",
            "etcd/etcdMemberService.ts",
            "etcd/etcdRestore.ts",
            "etcd/etcdSnapshots.ts",
            "pki/certificateAuthority.ts",
            "pki/clientCertificates.ts",
            "pki/memberCertificates.ts",
            "remote/hostPreparation.ts",
            "remote/remoteFiles.ts",
        ]);
    });

    for (const file of files) {
        const rel = path.relative(COMPONENTS, file);
        const text = fs.readFileSync(file, "utf8");
        it(`${rel}: no default applied to its args`, () => {
            assert.deepEqual(text.match(/\bargs(\.[A-Za-z]+)+\s*\?\?/g) ?? [], []);
            assert.deepEqual(text.match(/Defaults to\b/g) ?? [], []);
        });
        it(`${rel}: no second validation of its args`, () => {
            assert.deepEqual(text.match(/\bvalidate[A-Z][A-Za-z]*Args\b/g) ?? [], []);
        });
    }
});
