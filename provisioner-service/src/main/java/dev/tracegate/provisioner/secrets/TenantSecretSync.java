package dev.tracegate.provisioner.secrets;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.provisioner.kube.WriteResult;
import io.fabric8.kubernetes.api.model.Secret;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Plans the tenant Secrets of a TempoGateway and applies the plan. */
@ApplicationScoped
public class TenantSecretSync {
    private final TenantSecretWriter writer;

    public TenantSecretSync(TenantSecretWriter writer) {
        this.writer = writer;
    }

    /**
     * @param plan   what was wanted
     * @param writes one entry per desired Secret, then the deleted stale ones
     */
    public record Report(SecretSyncPlan plan, List<SecretWrite> writes) {
        /** The Secrets as they are after the writes: fresher than the informer cache for the rest of this reconcile. */
        public List<Secret> written() {
            return writes.stream().map(SecretWrite::secret).filter(Objects::nonNull).toList();
        }

        public List<SecretWrite> refused() {
            return writes.stream().filter(w -> w.result() == WriteResult.REFUSED_FOREIGN).toList();
        }
    }

    public Report sync(TempoGateway gateway, SecretLookup secrets) {
        SecretSyncPlan plan = SecretSyncPlanner.plan(gateway, secrets);
        List<SecretWrite> writes = new ArrayList<>();
        for (DesiredTenantSecret desired : plan.desired()) {
            writes.add(writer.apply(gateway, desired));
        }
        writes.addAll(writer.deleteStale(gateway, plan.referencedNames()));
        return new Report(plan, writes);
    }
}
