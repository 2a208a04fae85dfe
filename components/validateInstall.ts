// The install settings of the configuration (installMethod and the keys each method reads),
// read into one typed InstallConfig. Part of parseClusterConfig; pure.

import { INSTALL_METHODS, InstallConfig } from "./types";
import { pathProblem, urlProblem } from "./validatePaths";
import { Problems, readEnum, readString, show } from "./validateValues";

export function readInstall(p: Problems, raw: Record<string, unknown>, series: string | undefined): InstallConfig | undefined {
    const method = readEnum(p, "installMethod", raw.installMethod, INSTALL_METHODS);
    const binaryDir = readString(p, "etcdBinaryDir", raw.etcdBinaryDir);
    const url = readString(p, "tarballUrl", raw.tarballUrl);
    const sha = readString(p, "tarballSha256", raw.tarballSha256);
    const etcdPath = readString(p, "etcdPath", raw.etcdPath);
    if (method === undefined || binaryDir === undefined || url === undefined || sha === undefined || etcdPath === undefined) return undefined;
    const ignored = (field: string, value: string, used: string): void => {
        if (value !== "" && method !== used) p.warn(field, `ignored unless installMethod is "${used}"`);
    };
    ignored("etcdBinaryDir", binaryDir, "binary");
    ignored("tarballUrl", url, "tarball");
    ignored("tarballSha256", sha, "tarball");
    ignored("etcdPath", etcdPath, "preinstalled");
    switch (method) {
        case "package":
            if (series !== undefined && series !== "3.4") {
                p.warn(
                    "installMethod",
                    `"package" installs the distribution's etcd (Debian 12 ships 3.4.23); flags are rendered for etcdVersion ${show(raw.etcdVersion)}, so the two must match`,
                );
            }
            return { method };
        case "binary": {
            // A directory on the machine running Pulumi: relative paths are fine, odd characters are not.
            const problem = binaryDir === "" ? undefined : pathProblem(binaryDir.replace(/\/+$/, ""), false);
            if (problem !== undefined) {
                p.error("etcdBinaryDir", problem);
                return undefined;
            }
            return binaryDir === "" ? { method } : { method, binaryDir };
        }
        case "tarball": {
            let ok = true;
            if (url === "") {
                p.error("tarballUrl", `required when installMethod is "tarball"`);
                ok = false;
            } else {
                const problem = urlProblem(url, ["http", "https"]);
                if (problem !== undefined) {
                    p.error("tarballUrl", problem);
                    ok = false;
                }
            }
            if (sha === "") {
                p.error("tarballSha256", `required when installMethod is "tarball" (the download is checked against it)`);
                ok = false;
            } else if (!/^[0-9a-fA-F]{64}$/.test(sha)) {
                p.error("tarballSha256", `${show(sha)} is not a sha256 (64 hex digits)`);
                ok = false;
            }
            return ok ? { method, url, sha256: sha.toLowerCase() } : undefined;
        }
        case "preinstalled":
            if (etcdPath === "") {
                p.error("etcdPath", `required when installMethod is "preinstalled"`);
                return undefined;
            }
            {
                // It lands in the unit's ExecStart, where systemd expands `%` and `$`, and in root's scripts.
                const problem = pathProblem(etcdPath, true);
                if (problem !== undefined) {
                    p.error("etcdPath", problem);
                    return undefined;
                }
            }
            return { method, etcdPath };
        default: {
            const exhaustive: never = method;
            throw new Error(`unknown install method ${String(exhaustive)}`);
        }
    }
}

