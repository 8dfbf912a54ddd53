package dev.tracegate.provisioner.secrets;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.kube.ListPages;
import dev.tracegate.provisioner.kube.SecretData;
import dev.tracegate.provisioner.kube.WriteResult;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Applies desired tenant Secrets: writes only the difference, and never touches a Secret it does not own. Each write
 * is logged at DEBUG; the reconcile logs one INFO line per kind of write (a rotation rewrites every tenant's Secret).
 * Where it starts from a cache, a write that conflicts (the cache lagged) is decided again from the API server's copy,
 * so a lagging cache costs a retry, never a wrong write: updates carry the resourceVersion they were based on.
 */
@ApplicationScoped
public class TenantSecretWriter {
    private static final Logger LOG = Logger.getLogger(TenantSecretWriter.class);

    private final KubernetesClient client;
    private final WrittenSecrets written;

    public TenantSecretWriter(KubernetesClient client, WrittenSecrets written) {
        this.client = client;
        this.written = written;
    }

    /**
     * Like {@link #apply(TempoGateway, DesiredTenantSecret)}, but starts from the informer's copy: an up-to-date
     * Secret costs no call, and a changed one one write. Where the cache lagged (the write conflicts: the Secret
     * exists after all, or changed since), it decides again from the API server's copy.
     *
     * @param cached the Secret as the informer cache holds it; empty when the cache has none
     */
    public SecretWrite apply(TempoGateway gateway, DesiredTenantSecret desired, Optional<Secret> cached) {
        written.want(gateway, desired);
        try {
            return cached.isPresent() ? applyTo(gateway, desired, cached.get()) : create(gateway, desired);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            LOG.debugf("Secret %s/%s changed since the cache saw it: reading it again", gateway.getMetadata().getNamespace(), desired.name());
            return apply(gateway, desired);
        }
    }

    public SecretWrite apply(TempoGateway gateway, DesiredTenantSecret desired) {
        String namespace = gateway.getMetadata().getNamespace();
        Secret existing = client.secrets().inNamespace(namespace).withName(desired.name()).get();
        return existing == null ? create(gateway, desired) : applyTo(gateway, desired, existing);
    }

    private SecretWrite create(TempoGateway gateway, DesiredTenantSecret desired) {
        String namespace = gateway.getMetadata().getNamespace();
        Secret created = client.secrets().inNamespace(namespace).resource(newSecret(gateway, desired)).create();
        LOG.debugf("Created Secret %s/%s for tenants %s of TempoGateway %s", namespace, desired.name(), desired.tenants(), gateway.key());
        return new SecretWrite(desired.name(), WriteResult.CREATED, created, null);
    }

    private SecretWrite applyTo(TempoGateway gateway, DesiredTenantSecret desired, Secret existing) {
        String namespace = gateway.getMetadata().getNamespace();
        if (!Ownership.isManagedFor(existing, gateway) && !leftForThisGateway(existing, gateway, desired)) {
            return new SecretWrite(desired.name(), WriteResult.REFUSED_FOREIGN, null, Ownership.foreignReason(existing));
        }
        if (upToDate(existing, gateway, desired)) {
            return new SecretWrite(desired.name(), WriteResult.UNCHANGED, existing, null);
        }
        Secret updated = client.secrets().inNamespace(namespace).resource(updatedSecret(existing, gateway, desired)).update();
        LOG.debugf("Updated Secret %s/%s for tenants %s of TempoGateway %s", namespace, desired.name(), desired.tenants(), gateway.key());
        return new SecretWrite(desired.name(), WriteResult.UPDATED, updated, null);
    }

    /**
     * A Secret of the Tempo resource this gateway reads its tenants from, made for a TempoGateway that is gone: it
     * outlived that TempoGateway (the Tempo resource owns it), and this one fills it from now on. Asked of the API
     * server: only such a Secret costs the call.
     */
    private boolean leftForThisGateway(Secret existing, TempoGateway gateway, DesiredTenantSecret desired) {
        Optional<String> madeFor = Ownership.gatewayName(existing);
        return desired.owner() != null && madeFor.isPresent() && Ownership.isOwnedBy(existing, desired.owner().getUid())
                && client.resources(TempoGateway.class).inNamespace(gateway.getMetadata().getNamespace())
                        .withName(madeFor.get()).get() == null;
    }

    /**
     * Deletes the Secrets made for this gateway that no tenant reads any more (a tenant was removed or renamed its
     * Secret). One owned by a Tempo Operator resource the gateway no longer reads its tenants from stays: that
     * resource still names it, and it goes with that resource.
     *
     * @param owner the Tempo Operator resource the tenants come from now ({@link Ownership#readFrom}), or null
     */
    public List<SecretWrite> deleteStale(TempoGateway gateway, Set<String> referencedNames, OwnerReference owner) {
        String namespace = gateway.getMetadata().getNamespace();
        List<SecretWrite> deleted = new ArrayList<>();
        for (Secret secret : managed(gateway)) {
            String name = secret.getMetadata().getName();
            if (!referencedNames.contains(name) && deletable(secret, gateway, owner)) {
                client.secrets().inNamespace(namespace).withName(name).delete();
                LOG.debugf("Deleted Secret %s/%s: no tenant of TempoGateway %s reads it any more", namespace, name, gateway.key());
                deleted.add(new SecretWrite(name, WriteResult.DELETED, null, null));
            }
        }
        return deleted;
    }

    /** Owned by nothing (orphaned), by this TempoGateway, or by the Tempo resource its tenants come from now. */
    private static boolean deletable(Secret secret, TempoGateway gateway, OwnerReference owner) {
        List<OwnerReference> refs = secret.getMetadata().getOwnerReferences();
        return refs == null || refs.isEmpty() || Ownership.isOwnedBy(secret, gateway.getMetadata().getUid())
                || owner != null && Ownership.isOwnedBy(secret, owner.getUid());
    }

    /**
     * Listed a page at a time, and only names and owner references kept: anyone may label a Secret of 1 MiB as this
     * gateway's.
     */
    private List<Secret> managed(TempoGateway gateway) {
        List<Secret> names = new ArrayList<>();
        String next = null;
        do {
            SecretList page = client.secrets().inNamespace(gateway.getMetadata().getNamespace())
                    .withLabel(Ownership.MANAGED_BY, Ownership.MANAGED_BY_VALUE)
                    .withLabel(Ownership.GATEWAY, gateway.getMetadata().getName())
                    .list(new ListOptionsBuilder().withLimit(ListPages.LABELLED).withContinue(next).build());
            page.getItems().forEach(secret -> names.add(new SecretBuilder().withNewMetadata()
                    .withName(secret.getMetadata().getName())
                    .withOwnerReferences(secret.getMetadata().getOwnerReferences())
                    .endMetadata().build()));
            next = page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
        return names;
    }

    static boolean upToDate(Secret existing, TempoGateway gateway, DesiredTenantSecret desired) {
        boolean noStringData = existing.getStringData() == null || existing.getStringData().isEmpty();
        boolean sameData = noStringData && SecretData.decode(existing).equals(desired.values());
        // A Secret of a Tempo resource no longer names the TempoGateway, which would delete it with itself.
        boolean ownerOnly = desired.owner() == null || !Ownership.isOwnedBy(existing, gateway.getMetadata().getUid());
        return Ownership.isMarkedFor(existing, gateway, owner(gateway, desired)) && ownerOnly && sameData;
    }

    private static List<OwnerReference> ownerReferences(Secret existing, TempoGateway gateway, DesiredTenantSecret desired) {
        List<OwnerReference> refs = new ArrayList<>(Ownership.ownerReferencesWith(existing, owner(gateway, desired)));
        if (desired.owner() != null) {
            refs.removeIf(r -> gateway.getKind().equals(r.getKind()) && gateway.getMetadata().getName().equals(r.getName()));
        }
        return refs;
    }

    private static OwnerReference owner(TempoGateway gateway, DesiredTenantSecret desired) {
        return desired.owner() != null ? desired.owner() : Ownership.ownerReference(gateway);
    }

    private static Secret newSecret(TempoGateway gateway, DesiredTenantSecret desired) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(desired.name())
                .withNamespace(gateway.getMetadata().getNamespace())
                .withLabels(Ownership.labels(gateway))
                .withOwnerReferences(owner(gateway, desired))
                .endMetadata()
                .withType("Opaque")
                .withData(SecretData.encode(new java.util.TreeMap<>(desired.values())))
                .build();
    }

    private static Secret updatedSecret(Secret existing, TempoGateway gateway, DesiredTenantSecret desired) {
        return new SecretBuilder(existing)
                .editMetadata()
                .withLabels(Ownership.labelsWith(existing, gateway))
                .withOwnerReferences(ownerReferences(existing, gateway, desired))
                .endMetadata()
                .withStringData(null)
                .withData(SecretData.encode(new java.util.TreeMap<>(desired.values())))
                .build();
    }
}
