package dev.tracegate.provisioner.reconcile;

import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.provisioner.secrets.Ownership;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The Secrets the provisioner reads, and no others: the ones it made (one informer per watched namespace scope,
 * filtered by its managed-by label) and the ones TempoGateways name (one informer per Secret, filtered by
 * metadata.name, started when a TempoGateway first names it and stopped when none does). A Secret nobody names
 * and the provisioner did not make is never listed, watched or held in memory.
 */
final class SecretWatch {
    private static final Logger LOG = Logger.getLogger(SecretWatch.class);

    private final KubernetesClient client;
    private final Consumer<Secret> onChange;
    private final List<SharedIndexInformer<Secret>> owned = new CopyOnWriteArrayList<>();
    private final Map<String, SharedIndexInformer<Secret>> named = new ConcurrentHashMap<>();

    /** {@code onChange} receives every Secret watched that was added, changed or deleted. */
    SecretWatch(KubernetesClient client, Consumer<Secret> onChange) {
        this.client = client;
        this.onChange = onChange;
    }

    void watchOwned(Optional<String> namespace) {
        SharedIndexInformer<Secret> informer = (namespace.isPresent()
                ? client.secrets().inNamespace(namespace.get())
                : client.secrets().inAnyNamespace())
                .withLabel(Ownership.MANAGED_BY, Ownership.MANAGED_BY_VALUE)
                .runnableInformer(0);
        informer.addEventHandler(new Changes());
        owned.add(informer);
        GatewayWatch.startRetrying(informer, "Secrets labelled " + Ownership.MANAGED_BY + "=" + Ownership.MANAGED_BY_VALUE, namespace);
    }

    /** Watches exactly these named Secrets ("namespace/name") from now on. */
    synchronized void watchNamed(Set<String> keys) {
        for (String key : keys) {
            named.computeIfAbsent(key, this::startNamed);
        }
        for (String key : Set.copyOf(named.keySet())) {
            if (!keys.contains(key)) {
                SharedIndexInformer<Secret> informer = named.remove(key);
                if (informer != null) {
                    informer.stop();
                    LOG.debugf("Stopped watching Secret %s: no TempoGateway names it", key);
                }
            }
        }
    }

    Set<String> named() {
        return Set.copyOf(named.keySet());
    }

    boolean hasSynced() {
        return !owned.isEmpty() && owned.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /**
     * From the caches where one has the Secret's answer; otherwise (a watch that has not listed yet, or a name only
     * a TempoStack's tenants give) from the API server, so that a Secret is never reported missing by mistake.
     */
    SecretLookup lookup() {
        return (namespace, name) -> {
            String key = namespace + "/" + name;
            SharedIndexInformer<Secret> byName = named.get(key);
            if (byName != null && byName.hasSynced()) {
                return Optional.ofNullable(byName.getStore().getByKey(key));
            }
            Optional<Secret> ours = owned.stream().map(i -> i.getStore().getByKey(key)).filter(Objects::nonNull).findFirst();
            if (ours.isPresent()) {
                return ours;
            }
            return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
        };
    }

    void stop() {
        owned.forEach(SharedIndexInformer::stop);
        named.values().forEach(SharedIndexInformer::stop);
        named.clear();
    }

    private SharedIndexInformer<Secret> startNamed(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        SharedIndexInformer<Secret> informer = client.secrets().inNamespace(namespace).withName(key.substring(slash + 1))
                .runnableInformer(0);
        informer.addEventHandler(new Changes());
        informer.exceptionHandler((started, error) -> {
            LOG.warnf("Watching Secret %s failed, retrying: %s", key, error.getMessage());
            return true;
        });
        informer.start();
        LOG.debugf("Watching Secret %s", key);
        return informer;
    }

    private final class Changes implements ResourceEventHandler<Secret> {
        @Override
        public void onAdd(Secret secret) {
            onChange.accept(secret);
        }

        @Override
        public void onUpdate(Secret old, Secret now) {
            if (!Objects.equals(old.getMetadata().getResourceVersion(), now.getMetadata().getResourceVersion())) {
                onChange.accept(now);
            }
        }

        @Override
        public void onDelete(Secret secret, boolean deletedFinalStateUnknown) {
            onChange.accept(secret);
        }
    }
}
