// A real OpenSSH server on a loopback port for the command plugin's end-to-end test, with a
// throwaway host key and client key in a temp dir. Needs Debian's openssh-server (for
// /usr/sbin/sshd) and openssh-client (for ssh-keygen); scripts/prereqs.sh installs both.
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const SSHD = "/usr/sbin/sshd";

export interface Sshd {
    host: string;
    port: number;
    user: string;
    /** The client's private key (OpenSSH form). Never print it. */
    privateKey: string;
    /** The server's public host key in authorized_keys form. */
    hostKey: string;
    stop(): Promise<void>;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
    });
}

function keygen(file: string): void {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", file]);
}

/** Resolves once sshd answers with its banner; rejects if it exits or stays silent for 15 s. */
async function waitForBanner(port: number, child: ChildProcess, log: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`sshd exited at start:\n${fs.readFileSync(log, "utf8")}`);
        const banner = await new Promise<string>((resolve) => {
            const socket = net.connect(port, "127.0.0.1");
            socket.setTimeout(1000, () => socket.destroy());
            socket.once("data", (data) => {
                socket.destroy();
                resolve(data.toString());
            });
            socket.once("error", () => resolve(""));
            socket.once("close", () => resolve(""));
        });
        if (banner.startsWith("SSH-")) return;
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sshd did not answer on port ${port}`);
}

export async function startSshd(): Promise<Sshd> {
    if (!fs.existsSync(SSHD)) {
        throw new Error(`${SSHD} is missing: install Debian's openssh-server (scripts/prereqs.sh does)`);
    }
    // sshd's privilege separation directory.
    fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "command-plugin-sshd-"));
    const hostKeyFile = path.join(dir, "ssh_host_ed25519_key");
    const clientKeyFile = path.join(dir, "client_ed25519_key");
    keygen(hostKeyFile);
    keygen(clientKeyFile);
    const authorizedKeys = path.join(dir, "authorized_keys");
    fs.copyFileSync(`${clientKeyFile}.pub`, authorizedKeys);

    const port = await freePort();
    const config = path.join(dir, "sshd_config");
    fs.writeFileSync(
        config,
        [
            `ListenAddress 127.0.0.1:${port}`,
            `HostKey ${hostKeyFile}`,
            "PidFile none",
            `AuthorizedKeysFile ${authorizedKeys}`,
            // The key files live in a temp dir whose modes sshd would reject.
            "StrictModes no",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "UsePAM no",
            // bash sources ~/.bashrc for commands sshd runs unless it thinks it is nested; a
            // developer's ~/.bashrc can take seconds per command and is not under test.
            "SetEnv SHLVL=1",
            "",
        ].join("\n"),
    );
    const log = path.join(dir, "sshd.log");
    const child = spawn(SSHD, ["-D", "-E", log, "-f", config], { stdio: "ignore" });
    try {
        await waitForBanner(port, child, log);
    } catch (err) {
        child.kill();
        throw err;
    }
    return {
        host: "127.0.0.1",
        port,
        user: os.userInfo().username,
        privateKey: fs.readFileSync(clientKeyFile, "utf8"),
        hostKey: fs.readFileSync(`${hostKeyFile}.pub`, "utf8").trim(),
        stop: async () => {
            if (child.exitCode === null) {
                const exited = new Promise((r) => child.once("exit", r));
                child.kill();
                await exited;
            }
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
