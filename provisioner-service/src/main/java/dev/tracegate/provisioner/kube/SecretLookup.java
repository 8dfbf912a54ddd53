package dev.tracegate.provisioner.kube;

import io.fabric8.kubernetes.api.model.Secret;
import java.util.Optional;

/** Finds a Secret, from an informer cache or elsewhere; keeps the planning code free of the API server. */
@FunctionalInterface
public interface SecretLookup {
    Optional<Secret> find(String namespace, String name);

    /** This lookup, except that the given Secrets (just written) win over it. */
    default SecretLookup overlaidWith(java.util.Collection<Secret> fresher) {
        return (namespace, name) -> fresher.stream()
                .filter(s -> namespace.equals(s.getMetadata().getNamespace()) && name.equals(s.getMetadata().getName()))
                .findFirst()
                .or(() -> find(namespace, name));
    }
}
