# Managed by Pulumi (etcdhosts). Local edits are overwritten.
# etcdctl environment for member "pc-master".
export ETCDCTL_API=3
export ETCDCTL_CACERT=/etc/etcd/pki/ca.crt
export ETCDCTL_CERT=/etc/etcd/pki/admin-client.crt
export ETCDCTL_KEY=/etc/etcd/pki/admin-client.key
export ETCDCTL_ENDPOINTS=https://pc-master:2379
