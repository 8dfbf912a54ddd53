package dev.tracegate.provisioner.expose;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.kube.Informers;
import dev.tracegate.provisioner.kube.LabelledObjectStore;
import dev.tracegate.provisioner.kube.ListPages;
import dev.tracegate.provisioner.secrets.Ownership;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Watches the Ingresses and Routes that spec.expose made (one informer per watched namespace scope, filtered by the
 * provisioner's managed-by label; Routes only while the cluster serves them), so that one someone deleted or changed
 * is put back at once, as controller-runtime's Owns() does, rather than at the next resync. Each event is passed on
 * as the key of the TempoGateway the object was made for, with whether that gateway's last reconcile saw the object
 * so already: the provisioner's own create, update and delete come back as events too, and must not start another
 * reconcile, which would sync every tenant's datasource with Grafana again.
 * <p>
 * Own writes are told by resourceVersion: a version the last reconcile read or wrote has been acted on, whatever it
 * holds, so the rules of what counts as up to date (the class the API server assigns an Ingress, OpenShift's Route
 * defaults) are not repeated here. A deletion is its own when the last reconcile left no object. The question is
 * asked once no reconcile of the gateway runs ({@code ReconcileQueue.enqueueUnlessSeen}), when the version its write
 * returned is known: the order in which a write's answer and its event arrive does not matter.
 */
@ApplicationScoped
public class ExposedObjectWatch {
    /** The objects spec.expose makes. */
    enum Kind {
        INGRESS("Ingress", "Ingresses"), ROUTE("Route", "Routes");

        final String singular;
        final String plural;

        Kind(String singular, String plural) {
            this.singular = singular;
            this.plural = plural;
        }
    }

    private static final Logger LOG = Logger.getLogger(ExposedObjectWatch.class);
    private static final String ABSENT = "";

    /** What the last reconcile of a TempoGateway saw of its Ingress or Route: the version it read and the one it left. */
    private record Seen(String read, String left) {
    }

    private final KubernetesClient client;
    /** By kind and TempoGateway key; {@link #ABSENT} for no object. */
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<?>> ingressInformers = new ArrayList<>();
    private final List<SharedIndexInformer<?>> routeInformers = new ArrayList<>();
    private List<Optional<String>> scopes = List.of();
    private boolean routesServed;
    private volatile BiConsumer<String, BooleanSupplier> onChange = (key, alreadySeen) -> {
    };
    private volatile Predicate<String> gatewayKnown = key -> false;

    public ExposedObjectWatch(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Watches the Ingresses in these namespace scopes (empty: all namespaces), and the Routes there once a reconcile
     * finds them served. {@code onChange} receives the key of each TempoGateway whose Ingress or Route was added,
     * changed or deleted, with whether its last reconcile saw that already (to be asked once no reconcile of it
     * runs); an object whose TempoGateway {@code gatewayKnown} does not know is the garbage collector's business.
     */
    public synchronized void start(List<Optional<String>> scopes, BiConsumer<String, BooleanSupplier> onChange,
                                   Predicate<String> gatewayKnown) {
        this.onChange = onChange;
        this.gatewayKnown = gatewayKnown;
        this.scopes = List.copyOf(scopes);
        scopes.forEach(scope -> ingressInformers.add(watch(Kind.INGRESS, client.network().v1().ingresses(), scope,
                meta -> new IngressBuilder().withMetadata(meta).build())));
        if (routesServed) {
            watchRoutes();
        }
    }

    public synchronized void stop() {
        ingressInformers.forEach(SharedIndexInformer::stop);
        ingressInformers.clear();
        stopRoutes();
    }

    /**
     * Routes are watched while the cluster serves them, as discovery says at each reconcile that asks
     * ({@link QueryFrontendRoute}): OpenShift always does; elsewhere a Route informer would only fail and retry.
     */
    synchronized void followRouteApi(boolean served) {
        if (served == routesServed) {
            return;
        }
        routesServed = served;
        if (served) {
            watchRoutes();
        } else if (!routeInformers.isEmpty()) {
            stopRoutes();
            LOG.infof("Stopped watching Routes: %s is no longer served", QueryFrontendRoute.GROUP_VERSION);
        }
    }

    /** The last reconcile of this TempoGateway found {@code read} and left {@code left} (each null for none). */
    void reconciled(Kind kind, TempoGateway gateway, HasMetadata read, HasMetadata left) {
        seen.put(kind + " " + gateway.key(), new Seen(version(read), version(left)));
    }

    /** The TempoGateway is gone: nothing is kept of it. */
    public void forget(String gatewayKey) {
        for (Kind kind : Kind.values()) {
            seen.remove(kind + " " + gatewayKey);
        }
    }

    /**
     * Whether the last reconcile of the TempoGateway saw the object as this event shows it: the version it read or
     * left there, or, for a deletion, that it left none (its own delete, or there was none to delete).
     */
    boolean alreadySeen(Kind kind, String gatewayKey, HasMetadata object, boolean deleted) {
        Seen last = seen.get(kind + " " + gatewayKey);
        if (last == null) {
            return false;
        }
        if (deleted) {
            return last.left().equals(ABSENT);
        }
        String version = version(object);
        return !version.equals(ABSENT) && (version.equals(last.read()) || version.equals(last.left()));
    }

    private void stopRoutes() {
        routeInformers.forEach(SharedIndexInformer::stop);
        routeInformers.clear();
    }

    private void watchRoutes() {
        scopes.forEach(scope -> routeInformers.add(watch(Kind.ROUTE, client.genericKubernetesResources(QueryFrontendRoute.ROUTES), scope,
                meta -> new GenericKubernetesResourceBuilder().withApiVersion(QueryFrontendRoute.GROUP_VERSION)
                        .withKind(Kind.ROUTE.singular).withMetadata(meta).build())));
    }

    /** Events need only metadata, so the store keeps no object whole ({@link LabelledObjectStore}). */
    private <T extends HasMetadata, L, R extends Resource<T>> SharedIndexInformer<T> watch(Kind kind, MixedOperation<T, L, R> resources,
                                                                                          Optional<String> scope,
                                                                                          Function<ObjectMeta, T> reducedCopy) {
        SharedIndexInformer<T> informer = Informers.inScope(resources, scope)
                .withLabel(Ownership.MANAGED_BY, Ownership.MANAGED_BY_VALUE)
                .withLimit(ListPages.LABELLED)
                .runnableInformer(0);
        informer.itemStore(new LabelledObjectStore<>(Ownership.LABEL_KEYS, object -> false, reducedCopy));
        informer.addEventHandler(new Changes<>(kind));
        Informers.startRetrying(informer, kind.plural + " labelled " + Ownership.MANAGED_BY + "=" + Ownership.MANAGED_BY_VALUE, scope);
        return informer;
    }

    /** The key of the TempoGateway the object was made for: by its label, and under the one name made for it. */
    private static Optional<String> gatewayOf(HasMetadata object) {
        return Ownership.gatewayName(object)
                .filter(gateway -> object.getMetadata().getName().equals(QueryFrontendIngress.name(gateway)))
                .map(gateway -> object.getMetadata().getNamespace() + "/" + gateway);
    }

    private static String version(HasMetadata object) {
        String version = object == null ? null : object.getMetadata().getResourceVersion();
        return version == null ? ABSENT : version;
    }

    private final class Changes<T extends HasMetadata> implements ResourceEventHandler<T> {
        private final Kind kind;

        Changes(Kind kind) {
            this.kind = kind;
        }

        @Override
        public void onAdd(T object) {
            changed(object, false);
        }

        @Override
        public void onUpdate(T old, T now) {
            // Equal versions: a relist after a dropped watch, nothing changed.
            if (!Objects.equals(old.getMetadata().getResourceVersion(), now.getMetadata().getResourceVersion())) {
                changed(now, false);
            }
        }

        @Override
        public void onDelete(T object, boolean deletedFinalStateUnknown) {
            changed(object, true);
        }

        private void changed(T object, boolean deleted) {
            gatewayOf(object).filter(gatewayKnown).ifPresent(gateway -> {
                LOG.debugf("%s %s/%s %s (resourceVersion %s): reconciling TempoGateway %s unless its last reconcile saw it",
                        kind.singular, object.getMetadata().getNamespace(), object.getMetadata().getName(),
                        deleted ? "deleted" : "added or changed", object.getMetadata().getResourceVersion(), gateway);
                onChange.accept(gateway, () -> alreadySeen(kind, gateway, object, deleted));
            });
        }
    }
}
