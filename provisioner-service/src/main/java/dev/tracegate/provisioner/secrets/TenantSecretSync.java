package dev.tracegate.provisioner.secrets;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.provisioner.parallel.BoundedParallel;
import dev.tracegate.provisioner.kube.WriteResult;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Plans the tenant Secrets of a TempoGateway and applies the plan. */
@ApplicationScoped
public class TenantSecretSync {
    private final TenantSecretWriter writer;
    private final BoundedParallel parallel;

    public TenantSecretSync(TenantSecretWriter writer, BoundedParallel parallel) {
        this.writer = writer;
        this.parallel = parallel;
    }

    /**
     * @param plan    what was wanted
     * @param writes  one entry per desired Secret written, then the deleted stale ones
     * @param failure the first write that threw, or null; then {@code writes} holds the writes that succeeded
     *                before it and no Secret was deleted
     */
    public record Report(SecretSyncPlan plan, List<SecretWrite> writes, RuntimeException failure) {
        /** Throws the failed write's exception, if one failed: call it once the writes that did succeed are told. */
        public void throwIfFailed() {
            if (failure != null) {
                throw failure;
            }
        }

        /** The Secrets as they are after the writes: fresher than the informer cache for the rest of this reconcile. */
        public List<Secret> written() {
            return writes.stream().map(SecretWrite::secret).filter(Objects::nonNull).toList();
        }

        public List<SecretWrite> refused() {
            return writes.stream().filter(w -> w.result() == WriteResult.REFUSED_FOREIGN).toList();
        }
    }

    /**
     * @param secrets what the plan reads (the source Secret)
     * @param cached  the informer caches only: where the writes start from (see {@link TenantSecretWriter})
     * @param owner   the Tempo Operator resource whose tenants name the Secrets (spec.tenantsFrom), or null: the
     *                Secrets are then the TempoGateway's
     */
    public Report sync(TempoGateway gateway, SecretLookup secrets, SecretLookup cached, OwnerReference owner) {
        SecretSyncPlan plan = SecretSyncPlanner.plan(gateway, secrets);
        String namespace = gateway.getMetadata().getNamespace();
        // A few at a time: a rotation rewrites every tenant's Secret, and one after the other each waits a round trip.
        BoundedParallel.Results<SecretWrite> applied = parallel.map(plan.desired(),
                desired -> writer.apply(gateway, desired.ownedBy(owner), cached.find(namespace, desired.name())));
        List<SecretWrite> writes = new ArrayList<>(applied.done());
        if (applied.failure() == null) {
            writes.addAll(writer.deleteStale(gateway, plan.referencedNames(), owner));
        }
        return new Report(plan, writes, applied.failure());
    }
}
