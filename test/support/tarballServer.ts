// An etcd release tarball built from the toolchain's binaries, laid out like upstream's
// (`etcd-v3.6.16-linux-amd64/etcd`, `etcdctl`, `etcdutl`, ...), and a small HTTP server that
// serves it to a bed's hosts from the runner's address on the bed's bridge.
//
// The server binds to one address only (the bed's `runnerAddress`), never to 0.0.0.0: the hosts
// reach nothing else, and nothing else should reach the server. It serves exactly the files it
// was given, GET and HEAD only, and records every request so a test can tell who fetched what.

import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface ReleaseTarball {
  /** The `.tar.gz` on the runner. */
  file: string;
  /** Its name, as upstream names it: `etcd-v3.6.16-linux-amd64.tar.gz`. */
  name: string;
  /** sha256 of the file, hex. */
  sha256: string;
  /** The temp dir holding it; remove with dispose(). */
  dir: string;
  dispose(): void;
}

/**
 * Packs `etcd`, `etcdctl` and `etcdutl` from `binDir` into `etcd-v<version>-linux-amd64.tar.gz`,
 * under a top directory of the same name, like etcd's release script (binaries 0755, a README).
 */
export function buildReleaseTarball(binDir: string, version: string): ReleaseTarball {
  const base = `etcd-v${version}-linux-amd64`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "etcdhosts-tarball-"));
  const top = path.join(dir, base);
  fs.mkdirSync(top);
  for (const bin of ["etcd", "etcdctl", "etcdutl"]) {
    const src = path.join(binDir, bin);
    if (!fs.existsSync(src)) throw new Error(`${src} is missing: is the toolchain's etcd ${version} built?`);
    fs.copyFileSync(src, path.join(top, bin));
    fs.chmodSync(path.join(top, bin), 0o755);
  }
  fs.writeFileSync(path.join(top, "README.md"), `etcd ${version}, built from the toolchain for the end-to-end tests.\n`);
  const name = `${base}.tar.gz`;
  const file = path.join(dir, name);
  execFileSync("tar", ["-czf", file, "-C", dir, "--owner=0", "--group=0", base]);
  fs.rmSync(top, { recursive: true, force: true });
  const sha256 = crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  return { file, name, sha256, dir, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface ServedRequest {
  method: string;
  path: string;
  /** The client's address (a bed host's). */
  from: string;
  /** The status answered (0 until decided). */
  status: number;
  /** Whether the whole response was handed to the connection. */
  complete: boolean;
}

export interface FileServer {
  /** `http://<address>:<port>` */
  baseUrl: string;
  /** URL of a served file by name. */
  url(name: string): string;
  requests: ServedRequest[];
  close(): Promise<void>;
}

/**
 * Serves `files` (URL path `/<name>` to local file) on `address` only, on an ephemeral port.
 * Rejects an address of 0.0.0.0 or `::`.
 */
export async function serveFiles(address: string, files: Record<string, string>): Promise<FileServer> {
  if (address === "0.0.0.0" || address === "::" || address === "") throw new Error(`refusing to serve on the wildcard address ${JSON.stringify(address)}`);
  const requests: ServedRequest[] = [];
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const local = urlPath.startsWith("/") ? files[urlPath.slice(1)] : undefined;
    // Recorded when it arrives: a client that closes as soon as it has the last byte can beat
    // the response's "finish" event, which would then never come.
    const entry: ServedRequest = { method: req.method ?? "", path: urlPath, from: req.socket.remoteAddress ?? "", status: 0, complete: false };
    requests.push(entry);
    res.on("close", () => (entry.complete = res.writableFinished || res.writableEnded));
    if (req.method !== "GET" && req.method !== "HEAD") {
      entry.status = 405;
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (local === undefined) {
      entry.status = 404;
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    entry.status = 200;
    const size = fs.statSync(local).size;
    res.writeHead(200, { "content-type": "application/gzip", "content-length": size });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    fs.createReadStream(local).pipe(res);
  });
  // A host that went away mid-download must not keep the server (or the test) from closing.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: address, port: 0, exclusive: true }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = address.includes(":") ? `[${address}]` : address;
  const baseUrl = `http://${host}:${port}`;
  return {
    baseUrl,
    url: (name) => `${baseUrl}/${encodeURIComponent(name)}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
