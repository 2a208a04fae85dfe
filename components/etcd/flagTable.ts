// Which flags each etcd series accepts, and their value kinds. Data only, kept apart from the
// logic in versions.ts. The 3.5 and 3.6 lists were extracted from every `fs.*Var` registration
// in etcd's server/etcdmain/config.go and server/embed/config.go at v3.5.35 and v3.6.16; the
// 3.4 list from etcdmain/config.go of release-3.4 plus the flags its CHANGELOG adds in later
// patches (see FLAG_SINCE_PATCH in versions.ts).
//
// Kinds decide how a value is checked and written:
// - string, int, bool: as is (etcd.conf.yml gets a YAML string, integer or boolean);
// - duration: a Go duration (`5s`) on the command line and in ETCD_* variables, but integer
//   nanoseconds in etcd.conf.yml, which etcd decodes through JSON into time.Duration;
// - csv: comma-separated on the command line and as one comma-separated string in the file
//   (URL lists, cors, host-whitelist);
// - list: comma-separated on the command line, a YAML sequence in the file ([]string fields).

/** Value kind of an etcd flag. */
export type FlagKind = "string" | "bool" | "int" | "duration" | "csv" | "list";

/** Space-separated flag names per kind. */
export type FlagKindLists = Readonly<Record<FlagKind, string>>;

/** etcd release-3.4 etcdmain/config.go (3.4.0) plus later 3.4 additions. */
export const FLAGS_3_4: FlagKindLists = {
    string: [
        "auth-token auto-compaction-mode auto-compaction-retention cert-file client-cert-allowed-hostname",
        "client-crl-file config-file data-dir discovery discovery-fallback discovery-proxy discovery-srv",
        "discovery-srv-name experimental-backend-bbolt-freelist-type experimental-enable-v2v3",
        "initial-cluster initial-cluster-state initial-cluster-token key-file log-level log-package-levels",
        "logger metrics name peer-cert-allowed-cn peer-cert-allowed-hostname peer-cert-file peer-crl-file",
        "peer-key-file peer-trusted-ca-file proxy trusted-ca-file wal-dir",
    ].join(" "),
    bool: [
        "auto-tls client-cert-auth debug enable-grpc-gateway enable-pprof enable-v2",
        "experimental-enable-lease-checkpoint experimental-enable-lease-checkpoint-persist",
        "experimental-initial-corrupt-check experimental-peer-skip-client-san-verification",
        "force-new-cluster initial-election-tick-advance peer-auto-tls peer-client-cert-auth pre-vote",
        "strict-reconfig-check unsafe-no-fsync version",
    ].join(" "),
    int: [
        "auth-token-ttl backend-batch-limit bcrypt-cost election-timeout experimental-compaction-batch-limit",
        "heartbeat-interval max-concurrent-streams max-request-bytes max-snapshots max-txn-ops max-wals",
        "proxy-dial-timeout proxy-failure-wait proxy-read-timeout proxy-refresh-interval proxy-write-timeout",
        "quota-backend-bytes snapshot-count",
    ].join(" "),
    duration: [
        "backend-batch-interval experimental-corrupt-check-time experimental-warning-apply-duration",
        "experimental-watch-progress-notify-interval grpc-keepalive-interval grpc-keepalive-min-time",
        "grpc-keepalive-timeout",
    ].join(" "),
    csv: [
        "advertise-client-urls cors host-whitelist initial-advertise-peer-urls listen-client-urls",
        "listen-metrics-urls listen-peer-urls",
    ].join(" "),
    list: "cipher-suites log-output log-outputs",
};

/** etcd v3.5.35 server/etcdmain/config.go + server/embed/config.go. */
export const FLAGS_3_5: FlagKindLists = {
    string: [
        "auth-token auto-compaction-mode auto-compaction-retention backend-bbolt-freelist-type cert-file",
        "client-cert-file client-crl-file client-key-file config-file data-dir discovery discovery-fallback",
        "discovery-proxy discovery-srv discovery-srv-name experimental-distributed-tracing-address",
        "experimental-distributed-tracing-instance-id experimental-distributed-tracing-service-name",
        "experimental-enable-v2v3 initial-cluster initial-cluster-state initial-cluster-token key-file",
        "log-level log-rotation-config-json logger metrics name peer-cert-file peer-client-cert-file",
        "peer-client-key-file peer-crl-file peer-key-file peer-trusted-ca-file proxy tls-max-version",
        "tls-min-version trusted-ca-file v2-deprecation wal-dir",
    ].join(" "),
    bool: [
        "auto-tls client-cert-auth enable-grpc-gateway enable-log-rotation enable-pprof enable-v2",
        "experimental-compact-hash-check-enabled experimental-enable-distributed-tracing",
        "experimental-enable-lease-checkpoint experimental-enable-lease-checkpoint-persist",
        "experimental-initial-corrupt-check experimental-memory-mlock",
        "experimental-peer-skip-client-san-verification experimental-stop-grpc-service-on-defrag",
        "experimental-txn-mode-write-with-shared-buffer force-new-cluster initial-election-tick-advance",
        "peer-auto-tls peer-client-cert-auth pre-vote socket-reuse-address socket-reuse-port",
        "strict-reconfig-check unsafe-no-fsync version",
    ].join(" "),
    int: [
        "auth-token-ttl backend-batch-limit bcrypt-cost election-timeout",
        "experimental-bootstrap-defrag-threshold-megabytes experimental-compaction-batch-limit",
        "experimental-distributed-tracing-sampling-rate experimental-snapshot-catchup-entries",
        "heartbeat-interval max-concurrent-streams max-request-bytes max-snapshots max-txn-ops max-wals",
        "proxy-dial-timeout proxy-failure-wait proxy-read-timeout proxy-refresh-interval proxy-write-timeout",
        "quota-backend-bytes self-signed-cert-validity snapshot-count",
    ].join(" "),
    duration: [
        "backend-batch-interval experimental-compact-hash-check-time experimental-compaction-sleep-interval",
        "experimental-corrupt-check-time experimental-downgrade-check-time",
        "experimental-warning-apply-duration experimental-watch-progress-notify-interval",
        "grpc-keepalive-interval grpc-keepalive-min-time grpc-keepalive-timeout raft-read-timeout",
        "raft-write-timeout",
    ].join(" "),
    csv: [
        "advertise-client-urls cors host-whitelist initial-advertise-peer-urls listen-client-http-urls",
        "listen-client-urls listen-metrics-urls listen-peer-urls",
    ].join(" "),
    list: [
        "cipher-suites client-cert-allowed-hostname log-outputs peer-cert-allowed-cn",
        "peer-cert-allowed-hostname",
    ].join(" "),
};
/** etcd v3.6.16 server/etcdmain/config.go + server/embed/config.go (+ `feature-gates`, registered by featuregate.AddFlag). */
export const FLAGS_3_6: FlagKindLists = {
    string: [
        "auth-token auto-compaction-mode auto-compaction-retention backend-bbolt-freelist-type cert-file",
        "client-cert-file client-crl-file client-key-file config-file data-dir discovery discovery-cacert",
        "discovery-cert discovery-fallback discovery-key discovery-password discovery-proxy discovery-srv",
        "discovery-srv-name discovery-token discovery-user distributed-tracing-address",
        "distributed-tracing-instance-id distributed-tracing-service-name",
        "experimental-distributed-tracing-address experimental-distributed-tracing-instance-id",
        "experimental-distributed-tracing-service-name feature-gates initial-cluster initial-cluster-state",
        "initial-cluster-token key-file log-format log-level log-rotation-config-json logger metrics name",
        "peer-cert-file peer-client-cert-file peer-client-key-file peer-crl-file peer-key-file",
        "peer-trusted-ca-file tls-max-version tls-min-version trusted-ca-file v2-deprecation wal-dir",
    ].join(" "),
    bool: [
        "auto-tls client-cert-auth discovery-insecure-skip-tls-verify discovery-insecure-transport",
        "enable-distributed-tracing enable-grpc-gateway enable-log-rotation enable-pprof",
        "experimental-compact-hash-check-enabled experimental-enable-distributed-tracing",
        "experimental-enable-lease-checkpoint experimental-enable-lease-checkpoint-persist",
        "experimental-initial-corrupt-check experimental-memory-mlock",
        "experimental-peer-skip-client-san-verification experimental-stop-grpc-service-on-defrag",
        "experimental-txn-mode-write-with-shared-buffer force-new-cluster initial-election-tick-advance",
        "memory-mlock peer-auto-tls peer-client-cert-auth peer-skip-client-san-verification pre-vote",
        "socket-reuse-address socket-reuse-port strict-reconfig-check unsafe-no-fsync version",
    ].join(" "),
    int: [
        "auth-token-ttl backend-batch-limit bcrypt-cost bootstrap-defrag-threshold-megabytes",
        "compaction-batch-limit distributed-tracing-sampling-rate election-timeout",
        "experimental-bootstrap-defrag-threshold-megabytes experimental-compaction-batch-limit",
        "experimental-distributed-tracing-sampling-rate experimental-snapshot-catchup-entries",
        "heartbeat-interval max-concurrent-streams max-learners max-request-bytes max-snapshots max-txn-ops",
        "max-wals quota-backend-bytes self-signed-cert-validity snapshot-catchup-entries snapshot-count",
    ].join(" "),
    duration: [
        "backend-batch-interval compact-hash-check-time compaction-sleep-interval corrupt-check-time",
        "discovery-dial-timeout discovery-keepalive-time discovery-keepalive-timeout",
        "discovery-request-timeout downgrade-check-time experimental-compact-hash-check-time",
        "experimental-compaction-sleep-interval experimental-corrupt-check-time",
        "experimental-downgrade-check-time experimental-warning-apply-duration",
        "experimental-warning-unary-request-duration experimental-watch-progress-notify-interval",
        "grpc-keepalive-interval grpc-keepalive-min-time grpc-keepalive-timeout raft-read-timeout",
        "raft-write-timeout warning-apply-duration warning-unary-request-duration",
        "watch-progress-notify-interval",
    ].join(" "),
    csv: [
        "advertise-client-urls cors host-whitelist initial-advertise-peer-urls listen-client-http-urls",
        "listen-client-urls listen-metrics-urls listen-peer-urls",
    ].join(" "),
    list: [
        "cipher-suites client-cert-allowed-hostname discovery-endpoints log-outputs peer-cert-allowed-cn",
        "peer-cert-allowed-hostname",
    ].join(" "),
};
