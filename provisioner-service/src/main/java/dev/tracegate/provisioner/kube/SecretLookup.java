package dev.tracegate.provisioner.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Optional;

/** Finds a Secret, from an informer cache or elsewhere; keeps the planning code free of the API server. */
@FunctionalInterface
public interface SecretLookup {
    Optional<Secret> find(String namespace, String name);

    /**
     * This lookup, where a Secret the API server refuses to show (403) counts as absent. For the cleanup of a
     * deleted TempoGateway: deleting its namespace deletes a RoleBinding that gave the provisioner its rights there
     * (kubernetes/README.md, "Narrowing the provisioner") together with the Secrets.
     */
    default SecretLookup refusedAsAbsent() {
        return (namespace, name) -> {
            try {
                return find(namespace, name);
            } catch (KubernetesClientException e) {
                if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
                    return Optional.empty();
                }
                throw e;
            }
        };
    }

    /** This lookup, except that the given Secrets (just written) win over it. */
    default SecretLookup overlaidWith(java.util.Collection<Secret> fresher) {
        // By key: a thousand tenants look up a thousand Secrets among a thousand just written.
        java.util.Map<String, Secret> byKey = new java.util.HashMap<>();
        fresher.forEach(s -> byKey.putIfAbsent(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s));
        return (namespace, name) -> Optional.ofNullable(byKey.get(namespace + "/" + name)).or(() -> find(namespace, name));
    }
}
