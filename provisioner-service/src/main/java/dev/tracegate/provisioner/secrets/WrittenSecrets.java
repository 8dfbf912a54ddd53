package dev.tracegate.provisioner.secrets;

import io.fabric8.kubernetes.api.model.Secret;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resourceVersion of each tenant Secret as the provisioner last wrote it, so that the watch event of its own
 * write is told apart from someone else's change: the reconcile that wrote it had already acted on it, so it needs
 * no second reconcile (a thousand tenants' worth of Grafana calls); someone else's change does. When the event
 * comes before the write's answer is recorded, it counts as a change: one reconcile too many, never one too few.
 */
@ApplicationScoped
public class WrittenSecrets {
    private final Map<String, String> versions = new ConcurrentHashMap<>();

    void wrote(Secret secret) {
        String version = secret.getMetadata().getResourceVersion();
        if (version != null) {
            versions.put(key(secret), version);
        }
    }

    /** True, once, when the Secret is exactly as the provisioner last wrote it. */
    public boolean isOwnWrite(Secret secret) {
        String version = secret.getMetadata().getResourceVersion();
        return version != null && versions.remove(key(secret), version);
    }

    public void forget(Secret secret) {
        versions.remove(key(secret));
    }

    private static String key(Secret secret) {
        return secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
    }
}
