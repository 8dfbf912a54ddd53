package dev.tracegate.provisioner.reconcile;

import dev.tracegate.provisioner.config.ProvisionerConfig;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.expose.ExposedObjectWatch;
import dev.tracegate.provisioner.kube.Informers;
import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.provisioner.secrets.WrittenSecrets;
import dev.tracegate.provisioner.tempooperator.OperatorTenants;
import dev.tracegate.provisioner.tempooperator.TempoResourceWatch;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Informer caches of TempoGateways, in every watched namespace, and of the Secrets they name or the provisioner
 * made (see {@link SecretWatch}). Every replica runs them: the API answers from them whether or not this replica
 * leads. A change to a TempoGateway, or to a Secret one of them names, is passed on as the key of the gateway it
 * affects; so is a change to the Ingress or Route made for one ({@link ExposedObjectWatch}).
 */
@ApplicationScoped
public class GatewayWatch {
    private static final Logger LOG = Logger.getLogger(GatewayWatch.class);
    private static final String BY_SECRET = "bySecret";
    /** The namespace of each TempoGateway that takes its tenants from a TempoStack or TempoMonolithic. */
    private static final String TENANTS_FROM_IN = "tenantsFromIn";

    private final KubernetesClient client;
    private final ProvisionerConfig config;
    private final List<SharedIndexInformer<TempoGateway>> gatewayInformers = new CopyOnWriteArrayList<>();
    private final SecretWatch secrets;
    private final ExposedObjectWatch exposed;
    private final TempoResourceWatch tempoResources;
    private volatile Consumer<String> onChange = key -> {
    };
    private volatile Consumer<String> onOwnWrite = key -> {
    };
    private volatile BiConsumer<String, BooleanSupplier> onChangeUnlessSeen = (key, seen) -> {
    };
    /**
     * Per TempoGateway ("namespace/name"), the resourceVersion its last reconcile started from, so that the news of
     * that very version does not reconcile it once more: a watch its add event just started may report a Secret,
     * and so start its reconcile, before that add event has queued it.
     */
    private final Map<String, String> reconciledFrom = new ConcurrentHashMap<>();

    public GatewayWatch(KubernetesClient client, ProvisionerConfig config, WrittenSecrets written, ExposedObjectWatch exposed,
                        TempoResourceWatch tempoResources) {
        this.client = client;
        this.config = config;
        this.exposed = exposed;
        this.tempoResources = tempoResources;
        this.secrets = new SecretWatch(client, written, this::secretChanged, key -> gateway(key).isPresent());
    }

    /**
     * Starts the informers; {@code onChange} receives the key of each gateway to reconcile whatever it has seen (a
     * resync, a deletion), {@code onChangeUnlessSeen} the key of each gateway that was added or changed or names a
     * Secret someone changed, with whether the gateway's last reconcile read that very version already (ask when
     * deciding: a reconcile running now may still read it), {@code onOwnWrite} the key of each gateway whose Secret
     * the provisioner's own write changed (the caches changed, nothing else did), {@code onExposedChange} the key of
     * each gateway whose Ingress or Route was added, changed or deleted, with whether its last reconcile saw that
     * already (the provisioner's own write).
     */
    public void start(Consumer<String> onChange, BiConsumer<String, BooleanSupplier> onChangeUnlessSeen,
                      Consumer<String> onOwnWrite, BiConsumer<String, BooleanSupplier> onExposedChange) {
        this.onChange = onChange;
        this.onChangeUnlessSeen = onChangeUnlessSeen;
        this.onOwnWrite = onOwnWrite;
        long resyncMillis = config.resyncInterval().toMillis();
        for (Optional<String> namespace : namespaces()) {
            SharedIndexInformer<TempoGateway> gateways = Informers.inScope(client.resources(TempoGateway.class), namespace)
                    .withIndexers(Map.of(BY_SECRET, GatewayWatch::secretKeys, TENANTS_FROM_IN, GatewayWatch::namespaceIfTenantsFrom))
                    .runnableInformer(resyncMillis);
            gateways.addEventHandler(new GatewayEvents());
            gatewayInformers.add(gateways);
            Informers.startRetrying(gateways, "TempoGateways", namespace);
            secrets.watchOwned(namespace);
        }
        exposed.start(namespaces(), onExposedChange, key -> gateway(key).isPresent());
    }

    public void stop() {
        gatewayInformers.forEach(SharedIndexInformer::stop);
        secrets.stop();
        exposed.stop();
    }

    /**
     * True once every informer the answers come from has listed its resources: the caches can be trusted. Not the
     * Ingresses and Routes: nothing is answered from them (a reconcile reads its Ingress or Route from the API
     * server), and a provisioner that may not list them (RBAC from before it watched them) must still serve the
     * gateways; it repairs them at the resync only then, and logs why.
     */
    public boolean hasSynced() {
        return !gatewayInformers.isEmpty() && gatewayInformers.stream().allMatch(SharedIndexInformer::hasSynced)
                && secrets.hasSynced();
    }

    public Optional<TempoGateway> gateway(String key) {
        return gatewayInformers.stream().map(i -> i.getStore().getByKey(key)).filter(Objects::nonNull).findFirst();
    }

    /**
     * As {@link #gateway}, for a reconcile of it: the version returned is remembered, and the news of that very
     * version (its add event, a change) does not reconcile it again.
     */
    public Optional<TempoGateway> gatewayFor(String key) {
        Optional<TempoGateway> found = gateway(key);
        String version = found.map(g -> g.getMetadata().getResourceVersion()).orElse(null);
        if (version == null) {
            reconciledFrom.remove(key);
            // The reconcile of a deleted TempoGateway comes after any that was running when it went: nothing is
            // recorded of it after this.
            exposed.forget(key);
        } else {
            reconciledFrom.put(key, version);
            // Deleted since it was read: its delete handler may have cleared this already (then only a later
            // reconcile of the key, run by the leader alone, would).
            if (gateway(key).isEmpty()) {
                reconciledFrom.remove(key);
            }
        }
        return found;
    }

    public List<String> gatewayKeys() {
        List<String> keys = new ArrayList<>();
        gatewayInformers.forEach(i -> keys.addAll(i.getStore().listKeys()));
        return keys;
    }

    public SecretLookup secrets() {
        return secrets.lookup();
    }

    /**
     * As {@link #secrets()}, for the reconcile of this TempoGateway: a later change event of a Secret it names
     * reconciles it only if it brings a version this reconcile did not read.
     */
    public SecretLookup secretsFor(TempoGateway gateway) {
        return secrets.lookupFor(gateway);
    }

    /** The Secrets as the informers hold them, without asking the API server for the others. */
    public SecretLookup cachedSecrets() {
        return secrets.cached();
    }

    /** The Secrets ("namespace/name") watched by name now: those the TempoGateways name. */
    public Set<String> namedSecrets() {
        return secrets.named();
    }

    /**
     * Keys of the gateways that name this Secret (as tenant, source, Grafana credentials, token or CA Secret), or
     * whose TempoStack or TempoMonolithic names it as a tenant's.
     */
    Set<String> gatewaysNaming(String namespace, String secretName) {
        Set<String> keys = new LinkedHashSet<>();
        for (SharedIndexInformer<TempoGateway> informer : gatewayInformers) {
            informer.getIndexer().byIndex(BY_SECRET, namespace + "/" + secretName).forEach(g -> keys.add(g.key()));
            // Not in that index: it is built from the TempoGateway alone, and these names are in another resource.
            informer.getIndexer().byIndex(TENANTS_FROM_IN, namespace).stream()
                    .filter(g -> operatorTenantSecrets(g, true).contains(secretName))
                    .forEach(g -> keys.add(g.key()));
        }
        return keys;
    }

    /**
     * The tenant Secrets of the TempoStack or TempoMonolithic the TempoGateway takes its tenants from, as its watch
     * last saw it; with {@code synced} false, less those the TempoGateway's secretSync writes.
     */
    private List<String> operatorTenantSecrets(TempoGateway gateway, boolean synced) {
        return TempoResourceWatch.Ref.of(gateway)
                .flatMap(ref -> tempoResources.cached(ref).flatMap(resource -> OperatorTenants.read(ref.kind(), resource)))
                .filter(tenants -> !tenants.openShift())
                .map(tenants -> ReferencedSecrets.tenantSecrets(tenants.tenants(), gateway.getSpec().secretSync, synced))
                .orElse(List.of());
    }

    private List<Optional<String>> namespaces() {
        return config.namespaces().filter(n -> !n.isEmpty())
                .map(list -> list.stream().map(Optional::of).toList())
                .orElse(List.of(Optional.empty()));
    }

    private static List<String> namespaceIfTenantsFrom(TempoGateway gateway) {
        return TempoResourceWatch.Ref.of(gateway).map(ref -> List.of(ref.namespace())).orElse(List.of());
    }

    private static List<String> secretKeys(TempoGateway gateway) {
        String ns = gateway.getMetadata().getNamespace();
        return ReferencedSecrets.names(gateway).stream().map(name -> ns + "/" + name).toList();
    }

    /**
     * Watches by name what the TempoGateways name now, and the tenant Secrets of the TempoStacks and TempoMonolithics
     * they take their tenants from, and no other Secret. Called again when one of those changes, from their
     * informers' threads: one at a time, so that a set read before another's is never applied after it.
     */
    public synchronized void followNamedSecrets() {
        Set<String> named = new HashSet<>();
        gatewayInformers.forEach(i -> i.getStore().list().forEach(g -> {
            String namespace = g.getMetadata().getNamespace();
            ReferencedSecrets.watchedByName(g).forEach(name -> named.add(namespace + "/" + name));
            operatorTenantSecrets(g, false).forEach(name -> named.add(namespace + "/" + name));
        }));
        secrets.watchNamed(named);
    }

    private void secretChanged(Secret secret, boolean ownWrite) {
        Set<String> gateways = gatewaysNaming(secret.getMetadata().getNamespace(), secret.getMetadata().getName());
        if (!ownWrite && !gateways.isEmpty()) {
            LOG.debugf("Secret %s/%s changed (resourceVersion %s): reconciling %s", secret.getMetadata().getNamespace(),
                    secret.getMetadata().getName(), secret.getMetadata().getResourceVersion(), gateways);
        }
        if (ownWrite) {
            gateways.forEach(onOwnWrite);
            return;
        }
        gateways.forEach(g -> onChangeUnlessSeen.accept(g, () -> secrets.alreadyRead(g, secret)));
    }

    /** Whether the last reconcile of this TempoGateway started from this very version of it. */
    private boolean alreadyReconciled(TempoGateway gateway) {
        return Objects.equals(reconciledFrom.get(gateway.key()), gateway.getMetadata().getResourceVersion());
    }

    /** Gateway events, less the ones our own status writes cause. */
    private final class GatewayEvents implements ResourceEventHandler<TempoGateway> {
        @Override
        public void onAdd(TempoGateway gateway) {
            followNamedSecrets();
            // The watches just started may have reconciled it already (their Secrets' news can be handled before
            // this line is reached): from this very version, which is then no news.
            onChangeUnlessSeen.accept(gateway.key(), () -> alreadyReconciled(gateway));
        }

        @Override
        public void onUpdate(TempoGateway old, TempoGateway now) {
            if (!Objects.equals(old.getMetadata().getUid(), now.getMetadata().getUid())) {
                // Deleted and made again while the watch was down: the informer's relist tells it as one update, in
                // which both may well be generation 1 with the same finalizers. It is two events.
                onDelete(old, true);
                onAdd(now);
                return;
            }
            boolean resync = Objects.equals(old.getMetadata().getResourceVersion(), now.getMetadata().getResourceVersion());
            boolean sameSpec = Objects.equals(old.getMetadata().getGeneration(), now.getMetadata().getGeneration())
                    && Objects.equals(old.getMetadata().getDeletionTimestamp(), now.getMetadata().getDeletionTimestamp());
            boolean statusOnly = sameSpec && Objects.equals(old.getMetadata().getFinalizers(), now.getMetadata().getFinalizers());
            if (!resync && !statusOnly) {
                followNamedSecrets();
            }
            // The cleanup finalizer coming or going is the reconcile's own write: it goes on with the new object.
            if (resync) {
                onChange.accept(now.key());
            } else if (!(statusOnly || sameSpec && onlyCleanupFinalizerChanged(old, now))) {
                // As in onAdd: a watch of a Secret the new spec names may have started the reconcile already.
                onChangeUnlessSeen.accept(now.key(), () -> alreadyReconciled(now));
            }
        }

        private static boolean onlyCleanupFinalizerChanged(TempoGateway old, TempoGateway now) {
            return old.hasFinalizer(TempoGateway.CLEANUP_FINALIZER) != now.hasFinalizer(TempoGateway.CLEANUP_FINALIZER)
                    && othersThanCleanup(old).equals(othersThanCleanup(now));
        }

        private static List<String> othersThanCleanup(TempoGateway gateway) {
            List<String> others = new ArrayList<>(gateway.getMetadata().getFinalizers() == null ? List.of() : gateway.getMetadata().getFinalizers());
            others.remove(TempoGateway.CLEANUP_FINALIZER);
            return others;
        }

        @Override
        public void onDelete(TempoGateway gateway, boolean deletedFinalStateUnknown) {
            secrets.forget(gateway.key());
            reconciledFrom.remove(gateway.key());
            followNamedSecrets();
            onChange.accept(gateway.key());
        }
    }
}
