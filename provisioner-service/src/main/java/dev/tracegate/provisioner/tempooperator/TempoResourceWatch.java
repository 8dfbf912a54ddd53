package dev.tracegate.provisioner.tempooperator;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.TenantsFromSpec;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Watches the TempoStacks and TempoMonolithics that TempoGateways name, and only those: one informer per named
 * resource, started when a TempoGateway first names it and stopped when none does any more. A change to one
 * passes on the keys of the TempoGateways that name it. Without the Tempo Operator's CRDs nothing is watched.
 */
@ApplicationScoped
public class TempoResourceWatch {
    private static final Logger LOG = Logger.getLogger(TempoResourceWatch.class);

    private final KubernetesClient client;
    private final Map<Ref, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();
    private volatile Consumer<Ref> onChange = ref -> {
    };

    /** A named Tempo Operator resource. */
    public record Ref(TempoResourceKind kind, String namespace, String name) {
        public static Optional<Ref> of(TempoGateway gateway) {
            TenantsFromSpec from = gateway.getSpec() == null ? null : gateway.getSpec().tenantsFrom;
            if (from == null || from.kind == null || from.name == null) {
                return Optional.empty();
            }
            return Optional.of(new Ref(TempoResourceKind.of(from.kind), gateway.getMetadata().getNamespace(), from.name));
        }
    }

    public TempoResourceWatch(KubernetesClient client) {
        this.client = client;
    }

    /** Where changes go; set once at start-up. */
    public void onChange(Consumer<Ref> onChange) {
        this.onChange = onChange;
    }

    /** Whether the API server serves the kind (the Tempo Operator's CRD is installed): asked by discovery. */
    public boolean installed(TempoResourceKind kind) {
        try {
            APIResourceList resources = client.getApiResources(TempoResourceKind.GROUP_VERSION);
            return resources != null && resources.getResources() != null
                    && resources.getResources().stream().anyMatch(r -> kind.plural().equals(r.getName()));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** The resource as the API server has it now, starting to watch it if nobody did. */
    public Optional<GenericKubernetesResource> get(Ref ref) {
        watch(ref);
        return Optional.ofNullable(client.genericKubernetesResources(ref.kind().context())
                .inNamespace(ref.namespace()).withName(ref.name()).get());
    }

    /** The resource as its watch last saw it, without asking the API server; empty when not watched (yet) or not there. */
    public Optional<GenericKubernetesResource> cached(Ref ref) {
        SharedIndexInformer<GenericKubernetesResource> informer = informers.get(ref);
        // Watched by name: the store holds this resource or nothing.
        return informer == null ? Optional.empty() : informer.getStore().list().stream().findFirst();
    }

    /** The TempoStacks and TempoMonolithics watched now. */
    public Set<Ref> watched() {
        return Set.copyOf(informers.keySet());
    }

    /**
     * Starts the watch once it is in {@link #informers}: its first news may be handled at once, and the handlers read
     * the resource through {@link #cached}, which would find nothing while the map was still computing its entry.
     * One at a time with {@link #retainOnly}, so that a watch is never started after being taken out of the map.
     */
    private synchronized void watch(Ref ref) {
        if (informers.containsKey(ref)) {
            return;
        }
        SharedIndexInformer<GenericKubernetesResource> informer = newInformer(ref);
        informers.put(ref, informer);
        informer.start();
        LOG.infof("Watching %s in %s", ref.kind().describe(ref.name()), ref.namespace());
    }

    /**
     * Stops watching what no TempoGateway names any more. {@code named} is asked under the lock that {@link #watch}
     * takes: a list made before it, without a TempoGateway added meanwhile, would stop the watch that that gateway's
     * first publish has just started.
     */
    public synchronized void retainOnly(Supplier<Collection<Ref>> named) {
        Set<Ref> keep = Set.copyOf(named.get());
        for (Ref ref : Set.copyOf(informers.keySet())) {
            if (!keep.contains(ref)) {
                SharedIndexInformer<GenericKubernetesResource> informer = informers.remove(ref);
                if (informer != null) {
                    informer.stop();
                    LOG.infof("Stopped watching %s in %s: no TempoGateway names it", ref.kind().describe(ref.name()), ref.namespace());
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        informers.values().forEach(SharedIndexInformer::stop);
        informers.clear();
    }

    private SharedIndexInformer<GenericKubernetesResource> newInformer(Ref ref) {
        SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(ref.kind().context())
                .inNamespace(ref.namespace()).withName(ref.name()).runnableInformer(0);
        informer.addEventHandler(new Changes(ref));
        informer.exceptionHandler((started, error) -> {
            LOG.warnf("Watching %s in %s failed, retrying: %s", ref.kind().describe(ref.name()), ref.namespace(), error.getMessage());
            return true;
        });
        return informer;
    }

    /** Spec changes (tenants, gateway) matter; the operator's own status writes do not. */
    private final class Changes implements ResourceEventHandler<GenericKubernetesResource> {
        private final Ref ref;

        Changes(Ref ref) {
            this.ref = ref;
        }

        @Override
        public void onAdd(GenericKubernetesResource resource) {
            onChange.accept(ref);
        }

        @Override
        public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource now) {
            if (!Objects.equals(old.getAdditionalProperties().get("spec"), now.getAdditionalProperties().get("spec"))) {
                onChange.accept(ref);
            }
        }

        @Override
        public void onDelete(GenericKubernetesResource resource, boolean deletedFinalStateUnknown) {
            onChange.accept(ref);
        }
    }
}
