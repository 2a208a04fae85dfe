# Managed by Pulumi (etcdhosts). Local edits are overwritten.
# etcdctl environment for member "h1".
export ETCDCTL_CACERT=/etc/etcd/pki/ca.crt
export ETCDCTL_CERT=/etc/etcd/pki/admin-client.crt
export ETCDCTL_KEY=/etc/etcd/pki/admin-client.key
export ETCDCTL_ENDPOINTS=https://10.213.0.11:2379,https://etcd-a.example.com:2379,https://10.213.0.12:2379,https://10.213.0.13:2379
