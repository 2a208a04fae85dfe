# Managed by Pulumi (etcdhosts). Local edits are overwritten.
# etcdctl environment for member "cp1".
export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt
export ETCDCTL_CERT=/etc/kubernetes/pki/etcd/admin-client.crt
export ETCDCTL_KEY=/etc/kubernetes/pki/etcd/admin-client.key
export ETCDCTL_ENDPOINTS='https://[2001:db8::11]:2379,https://[2001:db8::12]:2379,https://[2001:db8::13]:2379'
