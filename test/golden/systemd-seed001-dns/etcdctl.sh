# Managed by Pulumi (etcdhosts). Local edits are overwritten.
# etcdctl environment for member "etcd1".
export ETCDCTL_CACERT=/etc/etcd/pki/ca.crt
export ETCDCTL_CERT=/etc/etcd/pki/admin-client.crt
export ETCDCTL_KEY=/etc/etcd/pki/admin-client.key
export ETCDCTL_ENDPOINTS=https://etcd1.vagrant:2379,https://etcd2.vagrant:2379,https://etcd3.vagrant:2379
