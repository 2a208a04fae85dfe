// Reusable Pulumi mock harness for component tests.
//
// Import this module FIRST in a test file (before any component), call `setupMocks()` at top
// level, then create components. node's test runner runs each file in its own process, so each
// file gets a fresh runtime and a fresh recording.
//
// What it does beyond a bare `runtime.setMocks`:
// - records every `newResource` (type, name, custom flag, inputs with secrets unwrapped, and
//   the paths of the inputs that arrived as secrets);
// - `call` throws on every token: an unmocked invoke fails the test instead of passing silently;
// - returns deterministic fake outputs for `@pulumi/tls` resources (PEMs that name the resource
//   and expiry times computed from `validityPeriodHours`) and `@pulumi/command` resources;
// - marks outputs listed in `additionalSecretOutputs` as secret, as the engine would, and echoes
//   secret inputs back as secrets;
// - records resource *options*. Plain `setMocks` can't see them: `MockResourceArgs` has no
//   parent, dependsOn, additionalSecretOutputs, deleteBeforeReplace, replaceOnChanges,
//   retainOnDelete or customTimeouts. We read them from the RegisterResourceRequest by wrapping
//   the mock monitor's `registerResource`. That is the SDK's internal protocol: if it changes,
//   these recordings come back empty and the option assertions fail loudly, never pass silently.
//
// What mocks still can't tell you: how the engine diffs (whether a changed input updates or
// replaces, whether replaceOnChanges fires), aliases, provider-side defaults and validation,
// the real secretness the engine applies to state, and whether a script works on a real host.

import * as pulumi from "@pulumi/pulumi";

/** Options of one registration, as sent to the engine. */
export interface RecordedOptions {
    /** Parent URN, `""` for none. */
    parent: string;
    /** URNs of all direct dependencies (explicit `dependsOn` plus those implied by inputs). */
    dependencies: string[];
    additionalSecretOutputs: string[];
    deleteBeforeReplace: boolean;
    replaceOnChanges: string[];
    ignoreChanges: string[];
    retainOnDelete: boolean;
    customTimeouts?: { create: string; update: string; delete: string };
}

/** One registered resource. */
export interface RecordedResource {
    type: string;
    name: string;
    /** URN, set once the registration completed (await `settle()`). */
    urn: string;
    custom: boolean;
    /** Inputs with secrets unwrapped to their plain values. */
    inputs: Record<string, any>;
    /** Dotted paths of inputs that arrived as secrets, e.g. `stdin`, `connection`. */
    secretPaths: string[];
    options: RecordedOptions;
}

export interface MockHarness {
    /** Every registration, in order. */
    readonly resources: RecordedResource[];
    /** Wait until every started registration has completed. */
    settle(): Promise<void>;
    /** The one resource with this logical name; throws if none or several. */
    named(name: string): RecordedResource;
    /** Resources of a type, in registration order. */
    ofType(type: string): RecordedResource[];
    /** Direct children of the resource with this logical name, by recorded parent URN. */
    childrenOf(name: string): RecordedResource[];
    /** What a component passed to `registerOutputs` (plain values; secrets unwrapped). */
    registeredOutputs(name: string): Record<string, unknown>;
}

/** Fake "now" of every fake certificate. */
export const FAKE_NOW = "2025-01-01T00:00:00Z";
/** What the fake `local.Command` prints (a runner clock in epoch seconds). */
export const FAKE_EPOCH = "1735689600";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function isSecretWrapper(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Unwrap secrets recursively and note where they were. */
function unwrap(value: unknown, path: string, secrets: string[]): any {
    if (isSecretWrapper(value)) {
        secrets.push(path);
        return unwrap(value.value, path, []);
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => unwrap(v, `${path}[${i}]`, secrets));
    }
    if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            out[k] = unwrap(v, path === "" ? k : `${path}.${k}`, secrets);
        }
        return out;
    }
    return value;
}

function secret(value: unknown): unknown {
    return { [SIG_KEY]: SECRET_SIG, value };
}

function fakeTime(hours: number): string {
    return new Date(Date.parse(FAKE_NOW) + hours * 3600_000).toISOString().replace(/\.000Z$/, "Z");
}

/** Algorithm named inside a fake private key PEM. */
function algorithmOf(pem: unknown): string {
    const m = /FAKE-PRIVATE-KEY \S+ (RSA|ECDSA|ED25519)/.exec(String(pem ?? ""));
    return m ? m[1] : "ECDSA";
}

/** Deterministic outputs per resource type. */
function fakeOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    switch (type) {
        case "tls:index/privateKey:PrivateKey": {
            const detail = inputs.algorithm === "RSA" ? `RSA ${inputs.rsaBits ?? 2048}` : `${inputs.algorithm} ${inputs.ecdsaCurve ?? ""}`.trim();
            const body = `FAKE-PRIVATE-KEY ${name} ${detail}`;
            return {
                privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`,
                privateKeyPemPkcs8: `-----BEGIN PRIVATE KEY-----\n${body} pkcs8\n-----END PRIVATE KEY-----\n`,
                privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\n${body} openssh\n-----END OPENSSH PRIVATE KEY-----\n`,
                publicKeyPem: `-----BEGIN PUBLIC KEY-----\nFAKE-PUBLIC-KEY ${name}\n-----END PUBLIC KEY-----\n`,
            };
        }
        case "tls:index/certRequest:CertRequest":
            return {
                certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\nFAKE-CSR ${name}\n-----END CERTIFICATE REQUEST-----\n`,
                keyAlgorithm: algorithmOf(inputs.privateKeyPem),
            };
        case "tls:index/selfSignedCert:SelfSignedCert":
            return {
                certPem: `-----BEGIN CERTIFICATE-----\nFAKE-CERT ${name}\n-----END CERTIFICATE-----\n`,
                keyAlgorithm: algorithmOf(inputs.privateKeyPem),
                validityStartTime: FAKE_NOW,
                validityEndTime: fakeTime(Number(inputs.validityPeriodHours ?? 0)),
                readyForRenewal: false,
            };
        case "tls:index/locallySignedCert:LocallySignedCert":
            return {
                certPem: `-----BEGIN CERTIFICATE-----\nFAKE-CERT ${name}\n-----END CERTIFICATE-----\n`,
                caKeyAlgorithm: algorithmOf(inputs.caPrivateKeyPem),
                validityStartTime: FAKE_NOW,
                validityEndTime: fakeTime(Number(inputs.validityPeriodHours ?? 0)),
                readyForRenewal: false,
            };
        case "command:remote:Command":
            return { stdout: "", stderr: "" };
        case "command:local:Command":
            return { stdout: FAKE_EPOCH, stderr: "" };
        // The stack reading its own previous outputs: a stack that never finished an `up`.
        case "pulumi:pulumi:StackReference":
            return { outputs: {}, secretOutputNames: [] };
        default:
            return {};
    }
}

/** Per-test output overrides: return extra state for a registration, or undefined. */
export type OutputOverrides = (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;

/**
 * Install the mocks and return the recording. Call once per test file, at top level, before
 * any component is constructed.
 */
export function setupMocks(overrides?: OutputOverrides): MockHarness {
    const resources: RecordedResource[] = [];
    const pendingOptions = new Map<string, RecordedOptions>();
    let inFlight = 0;

    void pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
            const secretPaths: string[] = [];
            const inputs = unwrap(args.inputs, "", secretPaths) as Record<string, any>;
            const key = `${args.type}::${args.name}`;
            const options = pendingOptions.get(key) ?? emptyOptions();
            pendingOptions.delete(key);
            const record: RecordedResource = { type: args.type, name: args.name, urn: "", custom: args.custom ?? true, inputs, secretPaths, options };
            resources.push(record);

            // Echo inputs (secrets stay secret), add fakes, then apply overrides.
            const state: Record<string, any> = { ...args.inputs, ...fakeOutputs(args.type, args.name, inputs), ...(overrides?.(args) ?? {}) };
            for (const k of options.additionalSecretOutputs) {
                if (k in state && !isSecretWrapper(state[k])) state[k] = secret(state[k]);
            }
            return { id: args.custom ? `${args.name}-id` : undefined, state };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
            throw new Error(`Mock not implemented: ${args.token}`);
        },
    }, "etcdhosts", "test", false, "organization");

    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: any, cb: (err: unknown, resp: any) => void): void;
        resources: Map<string, { state: any }>;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, cb: (err: unknown, resp: any) => void) => {
        const key = `${req.getType()}::${req.getName()}`;
        const timeouts = req.getCustomtimeouts?.();
        pendingOptions.set(key, {
            parent: req.getParent() ?? "",
            dependencies: [...(req.getDependenciesList?.() ?? [])],
            additionalSecretOutputs: [...(req.getAdditionalsecretoutputsList?.() ?? [])],
            deleteBeforeReplace: req.getDeletebeforereplace?.() ?? false,
            replaceOnChanges: [...(req.getReplaceonchangesList?.() ?? [])],
            ignoreChanges: [...(req.getIgnorechangesList?.() ?? [])],
            retainOnDelete: req.getRetainondelete?.() ?? false,
            customTimeouts: timeouts && (timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())
                ? { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() }
                : undefined,
        });
        inFlight++;
        original(req, (err, resp) => {
            inFlight--;
            if (!err && resp) {
                const rec = [...resources].reverse().find((r) => r.type === req.getType() && r.name === req.getName());
                if (rec) rec.urn = resp.getUrn();
            }
            cb(err, resp);
        });
    };

    const harness: MockHarness = {
        resources,
        async settle() {
            // waitForRPCs drains every started RPC, including those queued while waiting; the
            // loop below also covers registrations that only start once an apply resolved.
            const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
            let stableRounds = 0;
            let last = -1;
            while (stableRounds < 3) {
                if (waitForRPCs) await waitForRPCs();
                await new Promise((r) => setImmediate(r));
                if (inFlight === 0 && resources.length === last) stableRounds++;
                else stableRounds = 0;
                last = resources.length;
            }
        },
        named(name: string) {
            const found = resources.filter((r) => r.name === name);
            if (found.length !== 1) {
                throw new Error(`expected one resource named ${name}, found ${found.length}: ${resources.map((r) => r.name).join(", ")}`);
            }
            return found[0];
        },
        ofType(type: string) {
            return resources.filter((r) => r.type === type);
        },
        childrenOf(name: string) {
            const parent = harness.named(name);
            if (parent.urn === "") throw new Error(`${name} has no URN yet: await settle() first`);
            return resources.filter((r) => r.options.parent === parent.urn);
        },
        registeredOutputs(name: string) {
            const r = harness.named(name);
            const state = monitor.resources.get(r.urn)?.state;
            if (state === undefined) throw new Error(`no registered state for ${name}`);
            // registerResourceOutputs stores the raw protobuf Struct.
            const plain = typeof state.toJavaScript === "function" ? state.toJavaScript() : state;
            return unwrap(plain, "", []) as Record<string, unknown>;
        },
    };
    return harness;
}

function emptyOptions(): RecordedOptions {
    return {
        parent: "",
        dependencies: [],
        additionalSecretOutputs: [],
        deleteBeforeReplace: false,
        replaceOnChanges: [],
        ignoreChanges: [],
        retainOnDelete: false,
    };
}

/** The value of an Output (rejects if the Output failed). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    const impl = output as unknown as { promise?: (withUnknowns?: boolean) => Promise<T> };
    if (typeof impl.promise === "function") return impl.promise();
    return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}

/** Whether an Output is secret. */
export function isSecret<T>(output: pulumi.Output<T>): Promise<boolean> {
    return (output as unknown as { isSecret: Promise<boolean> }).isSecret;
}

/** Command strings of a recorded `remote.Command` / `local.Command` (create, update, delete). */
export function commandStrings(r: RecordedResource): string[] {
    return ["create", "update", "delete"].map((k) => r.inputs[k]).filter((v): v is string => typeof v === "string");
}

/** Every string anywhere in a value, for "no secret leaks here" scans. */
export function allStrings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(allStrings);
    if (typeof value === "object" && value !== null) return Object.values(value).flatMap(allStrings);
    return [];
}
