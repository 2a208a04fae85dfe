// Script fragments every runtime's scripts share: the health-check client's files, etcdctl and
// curl over mutual TLS, and a bounded wait. Pure; scripts are POSIX `sh` (dash on Debian).

import { CERT_FILES, CLIENT_PORT } from "../../constants";
import { shJoin, shQuote } from "../../shellWords";
import { formatUrl } from "../../validateAddress";
import type { MemberPlan } from "../member";
import { wantsEtcdctlApiEnv } from "../versions";

/** Certificate files of the health-check client on a member's host. */
export function healthcheckTls(member: MemberPlan): { ca: string; cert: string; key: string } {
    return {
        ca: `${member.pkiDir}/${CERT_FILES.caCert}`,
        cert: `${member.pkiDir}/${CERT_FILES.healthcheckClientCert}`,
        key: `${member.pkiDir}/${CERT_FILES.healthcheckClientKey}`,
    };
}

/** The member's own client URL on loopback, always covered by its server certificate. */
export function loopbackClientUrl(member: MemberPlan): string {
    return formatUrl("https", member.loopback, CLIENT_PORT);
}

/**
 * An `etcdctl` invocation over mutual TLS with the health-check client certificate. Used on
 * systemd hosts, where every install method puts etcdctl next to etcd.
 */
export function etcdctl(member: MemberPlan, endpoints: readonly string[]): string {
    const tls = healthcheckTls(member);
    return [
        ...(wantsEtcdctlApiEnv(member.version) ? ["ETCDCTL_API=3"] : []),
        shJoin([
            member.binaries.etcdctl,
            `--endpoints=${endpoints.join(",")}`,
            `--cacert=${tls.ca}`,
            `--cert=${tls.cert}`,
            `--key=${tls.key}`,
            "--dial-timeout=3s",
            "--command-timeout=5s",
        ]),
    ].join(" ");
}

/**
 * A `curl` over mutual TLS with the health-check client certificate. Used on static-pod hosts,
 * which run etcd from an image and have no etcdctl.
 */
export function curlTls(member: MemberPlan): string {
    const tls = healthcheckTls(member);
    return shJoin(["curl", "-sS", "--fail", "--max-time", "5", "--cacert", tls.ca, "--cert", tls.cert, "--key", tls.key]);
}

/** Poll a shell test once a second until it passes or the timeout ends the script with an error. */
export function waitFor(check: string, timeoutSeconds: number, failure: string, onFailure: string): string[] {
    return [
        "i=0",
        `until ${check}; do`,
        "  i=$((i + 1))",
        `  if [ "$i" -ge ${timeoutSeconds} ]; then`,
        `    printf 'etcdhosts: %s\\n' ${shQuote(failure)} >&2`,
        `    ${onFailure}`,
        "    exit 1",
        "  fi",
        "  sleep 1",
        "done",
    ];
}
