import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { SshConnectionArgs, allSteps, toRemoteConnection } from "./connection";
import { removeFileSetScript, writeFileSetScript } from "./fileSet";
import { FileTarget, asRoot, encodeFileBundle, removeFilesScript, writeFilesScript } from "./shell";

/** One file to write. */
export interface RemoteFileArgs {
    /**
     * Absolute, normalized path on the host. A missing parent directory is created `0700
     * root:root`; create directories that need another mode or owner with `HostPreparation`
     * first. Must be unique within one `RemoteFiles`, and its file name must not start with
     * `.tmp.` (the atomic write's temp files).
     */
    path: string;
    /** File content (text). May be a secret `Output`; it only ever travels on stdin. */
    content: pulumi.Input<string>;
    /** Octal mode, e.g. `"0600"` for keys, `"0644"` for certificates and configs. */
    mode: string;
    /** Owning user (name or numeric id). */
    owner: string;
    /** Owning group (name or numeric id). */
    group: string;
}

export interface RemoteFilesArgs {
    /** How to reach the host. A non-root `user` gets every write wrapped in `sudo -n`. */
    connection: SshConnectionArgs;
    /**
     * The files, written in this order in one SSH command. Adding or removing a file replaces
     * that command (its `delete` removes the old set first, then the new set is written);
     * changing only contents, modes or owners rewrites the files in place, atomically.
     */
    files: RemoteFileArgs[];
    /**
     * How the new contents become current. `each`: every file is renamed into place on its own
     * (its directory is root's alone). `together`: the files share one directory, root's alone,
     * and one rename switches from the old set to the new (fileSet.ts): for a certificate and its
     * key, which a reader must never see from two different writes.
     */
    switching: "each" | "together";
    /** Upper bound of the write (and of its delete), as `customTimeouts`. */
    timeout: string;
}

/** Where and how each file is written; its content travels separately, on stdin. */
export function fileTargets(files: readonly RemoteFileArgs[]): FileTarget[] {
    return files.map((f) => ({ path: f.path, mode: f.mode, owner: f.owner, group: f.group }));
}

/**
 * Writes a set of files to one host over SSH: atomically (temp file in the same directory, then
 * rename), with the given mode, owner and group, through `sudo -n` for non-root users.
 *
 * `CopyToRemote` isn't used: it writes over SFTP as the login user, can't set owner or mode, and
 * has no delete (pulumi-command#139). Instead one `remote.Command` receives every content on
 * stdin, as a base64 bundle (see `shell.ts`), so secrets never appear in a command line, in an
 * environment variable, or in output.
 *
 * The bundle is always a secret, whatever the contents: one secret content would otherwise leak
 * through the combined stdin, and contents are base64 anyway, so a diff of them reads nothing.
 */
export class RemoteFiles extends pulumi.ComponentResource {
    /** Paths written, in order. */
    public readonly paths: string[];
    /**
     * SHA-256 of all contents (secret, since it is derived from secrets). Feed it to `triggers`
     * of a command that must re-run when any file changes, e.g. a restart.
     */
    public readonly contentHash: pulumi.Output<string>;
    /** The writer command, for `dependsOn`. */
    public readonly command: command.remote.Command;

    constructor(name: string, args: RemoteFilesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("etcdhosts:remote:RemoteFiles", name, {}, opts);

        const user = args.connection.user;
        const targets = fileTargets(args.files);
        this.paths = targets.map((t) => t.path);

        const bundle = pulumi.secret(pulumi.all(args.files.map((f) => f.content)).apply(encodeFileBundle));
        this.contentHash = bundle.apply((b) => crypto.createHash("sha256").update(b).digest("hex"));

        const together = args.switching === "together";
        const write = asRoot(together ? writeFileSetScript(targets) : writeFilesScript(targets), user);
        this.command = new command.remote.Command(`${name}-write`, {
            connection: toRemoteConnection(args.connection),
            create: write,
            // An explicit update: new content (stdin) or new modes rewrite the same files in place.
            update: write,
            delete: asRoot(together ? removeFileSetScript(this.paths) : removeFilesScript(this.paths), user),
            stdin: bundle,
            logging: "none",
            // The previous stdout would be sent back as an environment variable; it is empty,
            // but there's no reason to ship anything from one run to the next.
            addPreviousOutputInEnv: false,
        }, {
            parent: this,
            // Children don't wait for their component's dependsOn on their own.
            dependsOn: opts?.dependsOn,
            additionalSecretOutputs: ["stdout", "stderr"],
            // Fixed paths: the old delete must run before the new create, or a replacement's
            // delete would remove the freshly written files.
            deleteBeforeReplace: true,
            // `delete` lists the paths, so it changes exactly when the set of files changes. Then
            // replace: the old command's delete removes the old set. Otherwise, update in place.
            replaceOnChanges: ["delete"],
            customTimeouts: allSteps(args.timeout),
        });

        this.registerOutputs({ paths: this.paths, contentHash: this.contentHash });
    }
}
