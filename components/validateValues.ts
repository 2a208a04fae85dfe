// Readers for raw configuration values. Pulumi hands the program every config value as a string
// ("100", "true", JSON text for objects), while tests and stack files give typed values; both
// are accepted. Every reader records a `field: message` problem instead of throwing, so one run
// reports all mistakes.

/** Collected problems and warnings. */
export class Problems {
    readonly errors: string[] = [];
    readonly warnings: string[] = [];

    error(field: string, message: string): void {
        this.errors.push(`${field}: ${message}`);
    }

    warn(field: string, message: string): void {
        this.warnings.push(`${field}: ${message}`);
    }
}

/** A JSON-ish rendering of a bad value for messages. */
export function show(value: unknown): string {
    if (typeof value === "string") return JSON.stringify(value);
    if (value === undefined) return "nothing";
    try {
        return JSON.stringify(value) ?? String(value);
    } catch {
        return String(value);
    }
}

/** A string, or undefined after recording a problem. */
export function readString(p: Problems, field: string, value: unknown): string | undefined {
    if (typeof value === "string") return value;
    p.error(field, `expected a string, got ${show(value)}`);
    return undefined;
}

/** One of `allowed`, or undefined after recording a problem. */
export function readEnum<T extends string>(p: Problems, field: string, value: unknown, allowed: readonly T[]): T | undefined {
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
    p.error(field, `${show(value)} is not one of ${allowed.join(", ")}`);
    return undefined;
}

/** A whole number in [min, max] from a number or a decimal string. */
export function readInt(p: Problems, field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    let n: number | undefined;
    if (typeof value === "number") n = value;
    else if (typeof value === "string" && /^-?[0-9]+$/.test(value.trim())) n = Number(value.trim());
    if (n === undefined || !Number.isSafeInteger(n)) {
        p.error(field, `expected a whole number, got ${show(value)}`);
        return undefined;
    }
    if (n < min || n > max) {
        p.error(field, max === Number.MAX_SAFE_INTEGER ? `${n} is below ${min}` : `${n} is not between ${min} and ${max}`);
        return undefined;
    }
    return n;
}

/** A boolean from `true`/`false` or their strings. */
export function readBool(p: Problems, field: string, value: unknown): boolean | undefined {
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    p.error(field, `expected true or false, got ${show(value)}`);
    return undefined;
}

/** A structured value, parsing JSON text (how Pulumi passes objects and arrays) when given a string. */
export function readStructured(p: Problems, field: string, value: unknown): unknown {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value) as unknown;
    } catch (e) {
        p.error(field, `is not valid JSON (${(e as Error).message})`);
        return undefined;
    }
}

/** True for a plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Record problems for keys outside `known`; `prefix` is the field of the containing object. */
export function rejectUnknownKeys(p: Problems, prefix: string, obj: Record<string, unknown>, known: readonly string[], what: string): void {
    for (const key of Object.keys(obj).sort()) {
        if (!known.includes(key)) {
            p.error(prefix === "" ? key : `${prefix}.${key}`, `unknown ${what} (known: ${[...known].sort().join(", ")})`);
        }
    }
}

/**
 * etcd flag overrides: an object of flag → string | number | boolean | null. Numbers and
 * booleans become their strings (YAML `max-request-bytes: 10485760` reads as a number).
 */
export function readExtraArgs(p: Problems, field: string, value: unknown): Record<string, string | null> | undefined {
    const v = readStructured(p, field, value);
    if (v === undefined) return undefined;
    if (!isRecord(v)) {
        p.error(field, `expected an object of etcd flag: value, got ${show(v)}`);
        return undefined;
    }
    const out: Record<string, string | null> = {};
    let ok = true;
    for (const key of Object.keys(v).sort()) {
        const item = v[key];
        if (item === null || typeof item === "string") out[key] = item;
        else if (typeof item === "number" || typeof item === "boolean") out[key] = String(item);
        else {
            p.error(`${field}.${key}`, `expected a string, number, boolean or null, got ${show(item)}`);
            ok = false;
        }
    }
    return ok ? out : undefined;
}
