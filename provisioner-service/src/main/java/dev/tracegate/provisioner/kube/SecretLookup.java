package dev.tracegate.provisioner.kube;

import io.fabric8.kubernetes.api.model.Secret;
import java.util.Optional;

/** Finds a Secret, from an informer cache or elsewhere; keeps the planning code free of the API server. */
@FunctionalInterface
public interface SecretLookup {
    Optional<Secret> find(String namespace, String name);

    /** This lookup, except that the given Secrets (just written) win over it. */
    default SecretLookup overlaidWith(java.util.Collection<Secret> fresher) {
        // By key: a thousand tenants look up a thousand Secrets among a thousand just written.
        java.util.Map<String, Secret> byKey = new java.util.HashMap<>();
        fresher.forEach(s -> byKey.putIfAbsent(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), s));
        return (namespace, name) -> Optional.ofNullable(byKey.get(namespace + "/" + name)).or(() -> find(namespace, name));
    }
}
