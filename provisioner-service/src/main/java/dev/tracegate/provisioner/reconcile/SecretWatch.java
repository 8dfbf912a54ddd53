package dev.tracegate.provisioner.reconcile;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.kube.Informers;
import dev.tracegate.provisioner.kube.LabelledObjectStore;
import dev.tracegate.provisioner.kube.ListPages;
import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.provisioner.secrets.Ownership;
import dev.tracegate.provisioner.secrets.WrittenSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
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
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The Secrets the provisioner reads, and no others: the ones it made (one informer per watched namespace scope,
 * filtered by its managed-by label) and the others TempoGateways name (one informer per Secret, filtered by
 * metadata.name, started when a TempoGateway first names it and stopped when none does; the tenant Secrets
 * secretSync writes are not among them, see {@link ReferencedSecrets#watchedByName}). A Secret nobody names and the
 * provisioner did not make is never listed, watched or held in memory; one that only carries its label is listed a
 * page at a time and held whole only when it is small ({@link #HELD_WHOLE_UP_TO}).
 */
final class SecretWatch {
    private static final Logger LOG = Logger.getLogger(SecretWatch.class);
    private static final String ABSENT = "";
    /**
     * The largest labelled Secret (as JSON, in characters) held whole. The provisioner's own are under 2 KiB; a
     * larger one is someone else's doing, and is read from the API server where its content is needed.
     */
    static final int HELD_WHOLE_UP_TO = 16 * 1024;

    private final KubernetesClient client;
    private final BiConsumer<Secret, Boolean> onChange;
    private final WrittenSecrets written;
    private final Predicate<String> gatewayKnown;
    private final List<OwnedWatch> owned = new CopyOnWriteArrayList<>();
    private final Map<String, SharedIndexInformer<Secret>> named = new ConcurrentHashMap<>();
    /**
     * Per TempoGateway ("namespace/name"), the resourceVersion of each Secret it watches by name that its last
     * reconcile read ({@link #ABSENT} when there was none), so that the watch's news of that very version does not
     * reconcile it once more: a new watch lists its Secret as added just as the TempoGateway that started it reads it.
     */
    private final Map<String, Map<String, String>> readBy = new ConcurrentHashMap<>();

    /**
     * {@code onChange} receives every Secret watched that was added, changed or deleted, and whether that was the
     * provisioner's own write coming back: the Secret exactly as it wants it (see {@link WrittenSecrets});
     * {@code gatewayKnown} says whether a TempoGateway ("namespace/name") is still in the informer's cache.
     */
    SecretWatch(KubernetesClient client, WrittenSecrets written, BiConsumer<Secret, Boolean> onChange, Predicate<String> gatewayKnown) {
        this.client = client;
        this.written = written;
        this.onChange = onChange;
        this.gatewayKnown = gatewayKnown;
    }

    void watchOwned(Optional<String> namespace) {
        SharedIndexInformer<Secret> informer = Informers.inScope(client.secrets(), namespace)
                .withLabel(Ownership.MANAGED_BY, Ownership.MANAGED_BY_VALUE)
                .withLimit(ListPages.LABELLED)
                .runnableInformer(0);
        LabelledObjectStore<Secret> store = new LabelledObjectStore<>(Ownership.LABEL_KEYS, this::small,
                meta -> new SecretBuilder().withMetadata(meta).build());
        informer.itemStore(store);
        informer.addEventHandler(new Changes());
        owned.add(new OwnedWatch(informer, store));
        Informers.startRetrying(informer, "Secrets labelled " + Ownership.MANAGED_BY + "=" + Ownership.MANAGED_BY_VALUE, namespace);
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
        return !owned.isEmpty() && owned.stream().allMatch(watch -> watch.informer().hasSynced());
    }

    /**
     * From the caches where one has the Secret's answer; otherwise (a watch that has not listed yet, or a name only
     * a TempoStack's tenants give) from the API server, so that a Secret is never reported missing by mistake.
     */
    SecretLookup lookup() {
        SecretLookup cached = cached();
        return (namespace, name) -> cached.find(namespace, name)
                .or(() -> Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get()));
    }

    /** As {@link #lookup()}, remembering which version of each Secret it watches by name this TempoGateway read. */
    SecretLookup lookupFor(TempoGateway gateway) {
        SecretLookup all = lookup();
        String gatewayKey = gateway.key();
        // What its spec names, not the watches running now: another watch's news may start the reconcile before
        // this Secret's watch has started, and that watch then lists the version read here.
        Set<String> byName = ReferencedSecrets.watchedByName(gateway).stream()
                .map(name -> gateway.getMetadata().getNamespace() + "/" + name).collect(Collectors.toSet());
        return (namespace, name) -> {
            Optional<Secret> found = all.find(namespace, name);
            String key = namespace + "/" + name;
            if (byName.contains(key)) {
                readBy.computeIfAbsent(gatewayKey, g -> new ConcurrentHashMap<>())
                        .put(key, found.map(s -> s.getMetadata().getResourceVersion()).orElse(ABSENT));
                // A reconcile still running when its TempoGateway was deleted would keep this after forget() for
                // good. Checked after the write: the cache drops the gateway before its delete handler forgets it.
                if (!gatewayKnown.test(gatewayKey)) {
                    readBy.remove(gatewayKey);
                }
            }
            return found;
        };
    }

    /** Whether this TempoGateway's reconcile read this very version of the Secret (never true of a deletion). */
    boolean alreadyRead(String gatewayKey, Secret secret) {
        Map<String, String> read = readBy.get(gatewayKey);
        String key = secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
        return read != null && Objects.equals(read.get(key), secret.getMetadata().getResourceVersion());
    }

    void forget(String gatewayKey) {
        readBy.remove(gatewayKey);
    }

    /** From the caches only: empty when no cache holds the Secret whole (it may still exist). */
    SecretLookup cached() {
        return (namespace, name) -> {
            String key = namespace + "/" + name;
            SharedIndexInformer<Secret> byName = named.get(key);
            if (byName != null && byName.hasSynced()) {
                return Optional.ofNullable(byName.getStore().getByKey(key));
            }
            return owned.stream().map(watch -> watch.store().whole(key)).flatMap(Optional::stream).findFirst();
        };
    }

    /** Checks the data first: a 1 MiB Secret is not written out as JSON to learn that it is large. */
    private boolean small(Secret secret) {
        long data = length(secret.getData()) + length(secret.getStringData());
        return data <= HELD_WHOLE_UP_TO && client.getKubernetesSerialization().asJson(secret).length() <= HELD_WHOLE_UP_TO;
    }

    private static long length(Map<String, String> values) {
        if (values == null) {
            return 0;
        }
        long length = 0;
        for (Map.Entry<String, String> e : values.entrySet()) {
            length += e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length());
        }
        return length;
    }

    void stop() {
        owned.forEach(watch -> watch.informer().stop());
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

    /** The watch of one scope's labelled Secrets, and the store it fills (read for whole Secrets only). */
    private record OwnedWatch(SharedIndexInformer<Secret> informer, LabelledObjectStore<Secret> store) {
    }

    private final class Changes implements ResourceEventHandler<Secret> {
        @Override
        public void onAdd(Secret secret) {
            onChange.accept(secret, written.isAsWanted(secret));
        }

        @Override
        public void onUpdate(Secret old, Secret now) {
            if (!Objects.equals(old.getMetadata().getResourceVersion(), now.getMetadata().getResourceVersion())) {
                onChange.accept(now, written.isAsWanted(now));
            }
        }

        @Override
        public void onDelete(Secret secret, boolean deletedFinalStateUnknown) {
            String key = secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
            readBy.values().forEach(read -> read.remove(key));
            written.forget(secret);
            onChange.accept(secret, false);
        }
    }
}
