package dev.tracegate.provisioner.reconcile;

import dev.tracegate.provisioner.config.ProvisionerConfig;
import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.GatewaySpec;
import dev.tracegate.provisioner.crd.TempoGatewayStatus;
import dev.tracegate.provisioner.datasources.DatasourceSync;
import dev.tracegate.provisioner.datasources.LastWorkingGrafana;
import dev.tracegate.provisioner.datasources.PreviousGrafanaCleanup;
import dev.tracegate.provisioner.expose.QueryFrontendIngress;
import dev.tracegate.provisioner.expose.QueryFrontendRoute;
import dev.tracegate.provisioner.gatewayconfig.PublishedConfigs;
import dev.tracegate.provisioner.gatewayconfig.ConfigResolution;
import dev.tracegate.provisioner.gatewayconfig.GatewayConfigResolver;
import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.provisioner.kube.WriteResult;
import dev.tracegate.provisioner.secrets.SecretWrite;
import dev.tracegate.provisioner.secrets.TenantSecretSync;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.status.GatewayEventRecorder;
import dev.tracegate.provisioner.status.Listing;
import dev.tracegate.provisioner.status.StatusWriter;
import dev.tracegate.provisioner.tempooperator.TempoResourceWatch;
import dev.tracegate.provisioner.tempooperator.TenantsResolution;
import dev.tracegate.provisioner.tempooperator.TenantsSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * One reconcile of one TempoGateway, level-triggered: it reads the current state from the caches, brings the
 * tenant Secrets and the Grafana datasources to what the spec asks, and reports in the status. Running it again
 * with nothing changed writes nothing.
 */
@ApplicationScoped
public class GatewayReconciler {
    private static final Logger LOG = Logger.getLogger(GatewayReconciler.class);
    /** Ready's reason for a TempoGateway created before the CRD limited the name's length. */
    public static final String NAME_TOO_LONG = "NameTooLong";
    public static final String WRITE_REFUSED = "WriteRefused";
    /** Secret names listed in one Event before "and N more". */
    private static final int EVENT_NAMES = 20;

    private final GatewayWatch watch;
    private final Finalizers finalizers;
    private final TenantSecretSync secretSync;
    private final DatasourceSync datasourceSync;
    private final StatusWriter statusWriter;
    private final GatewayEventRecorder events;
    private final LastWorkingGrafana lastWorkingGrafana;
    private final Duration cleanupTimeout;
    private final TenantsSource tenantsSource;
    private final TempoResourceWatch tempoResources;
    private final QueryFrontendIngress ingress;
    private final QueryFrontendRoute route;
    private final KubernetesClient client;
    private final PublishedConfigs configs;
    private final Leadership leadership;

    public GatewayReconciler(GatewayWatch watch, Finalizers finalizers, TenantSecretSync secretSync,
                             DatasourceSync datasourceSync, StatusWriter statusWriter, GatewayEventRecorder events,
                             TenantsSource tenantsSource, TempoResourceWatch tempoResources, QueryFrontendIngress ingress, QueryFrontendRoute route,
                             KubernetesClient client, PublishedConfigs configs, LastWorkingGrafana lastWorkingGrafana,
                             Leadership leadership, ProvisionerConfig config) {
        this.leadership = leadership;
        this.lastWorkingGrafana = lastWorkingGrafana;
        this.cleanupTimeout = config.cleanupTimeout();
        this.configs = configs;
        this.tenantsSource = tenantsSource;
        this.tempoResources = tempoResources;
        this.ingress = ingress;
        this.route = route;
        this.client = client;
        this.watch = watch;
        this.finalizers = finalizers;
        this.secretSync = secretSync;
        this.datasourceSync = datasourceSync;
        this.statusWriter = statusWriter;
        this.events = events;
    }

    public ReconcileResult reconcile(String key) {
        Optional<TempoGateway> cached = watch.gatewayFor(key);
        if (cached.isEmpty()) {
            forgetGone(key);
            return ReconcileResult.GONE;
        }
        TempoGateway gateway = cached.get();
        try {
            if (gateway.isMarkedForDeletion()) {
                return cleanUp(gateway);
            }
            TempoGateway held = hasDatasourcesToDelete(gateway) ? finalizers.ensure(gateway) : gateway;
            ReconcileResult result = bringUpToDate(held);
            if (!hasDatasourcesToDelete(held)) {
                // Nothing of it in any Grafana (any more): its deletion waits for no one, not even for a provisioner
                // that is gone.
                finalizers.remove(held);
            }
            return result;
        } catch (KubernetesClientException e) {
            // The backoff retry sees the new state. A conflict is routine (a user or the provisioner's own earlier
            // write changed the object since the informer's copy): no warning for it.
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                LOG.debugf("Reconcile of TempoGateway %s met a newer version: retrying", key);
                return ReconcileResult.CONFLICT;
            }
            LOG.warnf("Reconcile of TempoGateway %s failed at the API server: %d %s", key, e.getCode(), e.getMessage());
            tellRefusal(gateway, e);
            return ReconcileResult.FAILED;
        }
    }

    /**
     * Whether deleting the gateway has datasources to delete first, which is what the cleanup finalizer waits for:
     * with spec.grafana, or while a Grafana it named before still holds them (they go at this reconcile).
     */
    private boolean hasDatasourcesToDelete(TempoGateway gateway) {
        return gateway.getSpec() != null && gateway.getSpec().grafana != null || lastWorkingGrafana.holdsDatasourcesOf(gateway.key());
    }

    private ReconcileResult bringUpToDate(TempoGateway gateway) {
        if (gateway.getMetadata().getName().length() > TempoGateway.MAX_NAME_LENGTH) {
            // The CRD refuses such a name now; one admitted before it did would fail every labelled list and write.
            refuse(gateway, List.of(nameTooLong(gateway)));
            return ReconcileResult.NOT_READY;
        }
        // A spec.tenantsFrom that names another TempoStack now, or none, leaves the watch of the one it named.
        forgetUnnamedTempoResources();
        TenantsResolution tenants = tenantsSource.resolve(gateway);
        if (tenants instanceof TenantsResolution.Refused refused) {
            Condition condition = TenantsSourceConditions.refused(refused);
            refuse(gateway, List.of(Conditions.ready(List.of(condition), ""), condition));
            return refused.retry() ? ReconcileResult.FAILED : ReconcileResult.NOT_READY;
        }
        TenantsResolution.FromOperator fromOperator = tenants instanceof TenantsResolution.FromOperator f ? f : null;
        // The spec to act on: the operator's tenants and services filled in, the Ingress's URL if one serves.
        TempoGateway effective = tenants.effective();
        GatewaySpec gw = effective.getSpec().gateway;
        boolean throughGateway = gw == null || gw.routesThroughGateway();
        // Both run every time: each removes its own object when the other (or nothing) is asked for.
        QueryFrontendIngress.Result byIngress = ingress.apply(gateway, throughGateway, effective.getSpec().upstream.queryFrontend);
        QueryFrontendIngress.Result byRoute = route.apply(gateway, throughGateway, effective.getSpec().upstream.queryFrontend);
        recordExposure(gateway, "Ingress", byIngress);
        recordExposure(gateway, "Route", byRoute);
        QueryFrontendIngress.Result exposure = byRoute.condition() != null ? byRoute : byIngress;
        if (exposure.url() != null) {
            effective = withQueryFrontend(effective, exposure.url());
        }
        boolean tracegateGateway = throughGateway && (fromOperator == null || !fromOperator.operatorGateway());

        if (lostTheLead(gateway, "its Secrets")) {
            return ReconcileResult.SKIPPED;
        }
        SecretLookup secrets = watch.secretsFor(gateway);
        TenantSecretSync.Report secretReport = secretSync.sync(effective, secrets, watch.cachedSecrets(),
                fromOperator == null ? null : fromOperator.secretsOwner());
        configs.awaitWrites(gateway.key(), written(gateway, secretReport.writes()));
        recordWrites(gateway, secretReport.writes());
        // Told above even when another write failed: the retry finds those Secrets in sync and writes no Event.
        secretReport.throwIfFailed();
        // Secrets just written are newer than the cache: build the configuration from them.
        SecretLookup current = secrets.overlaidWith(secretReport.written());
        ConfigResolution config = fromOperator != null && !tracegateGateway
                ? new ConfigResolution.Unresolved("NotNeeded", "no Tracegate gateway", Map.of())
                : GatewayConfigResolver.resolve(effective, current);
        if (lostTheLead(gateway, "its Grafana datasources")) {
            return ReconcileResult.SKIPPED;
        }
        // Tenants every gateway refuses, or whose Secret is missing, are not published: the gateways serve the last
        // good document, and Grafana keeps the datasources it had for it, rather than those of tenants no gateway serves.
        DatasourceSync.Result datasources = tracegateGateway && !(config instanceof ConfigResolution.Resolved)
                && effective.getSpec().grafana != null
                ? DatasourceSync.heldWhileTenantsUnpublished(config)
                : datasourceSync.sync(effective, current, fromOperator == null ? null : fromOperator.gatewayCaPem());
        datasources.previousGrafana().ifPresent(previous -> recordPreviousGrafana(gateway, previous));

        List<Condition> parts = new ArrayList<>();
        if (fromOperator != null) {
            parts.add(TenantsSourceConditions.resolved(fromOperator));
            parts.add(fromOperator.tenants().openShift() ? TenantsSourceConditions.openShiftSecrets(fromOperator)
                    : secretsCondition(effective, secretReport));
            parts.add(tracegateGateway ? configCondition(effective, config) : TenantsSourceConditions.noTracegateGateway(fromOperator));
        } else {
            parts.add(secretsCondition(effective, secretReport));
            parts.add(configCondition(effective, config));
        }
        parts.add(datasources.condition());
        if (exposure.condition() != null) {
            parts.add(exposure.condition());
        }
        int tenantCount = effective.getSpec().tenants.authentication.size();
        Condition ready = Conditions.ready(parts, "serving " + tenantCount + " tenant(s)");
        TempoGatewayStatus status = new TempoGatewayStatus();
        status.observedGeneration = gateway.getMetadata().getGeneration();
        List<Condition> before = gateway.getStatus() == null ? List.of() : gateway.getStatus().conditions;
        status.conditions = Conditions.stamp(before, concat(ready, parts), status.observedGeneration, Instant.now());
        status.configETag = config instanceof ConfigResolution.Resolved resolved ? resolved.etag() : null;
        status.tenants = TenantStatuses.of(effective, secretReport, config, datasources.tenants());

        if (lostTheLead(gateway, "its status")) {
            return ReconcileResult.SKIPPED;
        }
        statusWriter.write(gateway, status);
        events.transitions(gateway, before, status.conditions);
        String etagBefore = gateway.getStatus() == null ? null : gateway.getStatus().configETag;
        if (fromOperator != null && !Objects.equals(etagBefore, status.configETag)) {
            // A TempoStack's tenant Secrets map to this TempoGateway only once its watch holds the TempoStack; the
            // first reconcile's writes of them can come back before that: republish from here too.
            configs.changed(gateway.key());
        }
        if (datasources.retry()) {
            return ReconcileResult.FAILED;
        }
        return Conditions.isTrue(ready) ? ReconcileResult.READY : ReconcileResult.NOT_READY;
    }

    /**
     * Whether this replica lost the Lease while reconciling: then it stops before the next phase, so that it and the
     * new leader, which reconciles every TempoGateway when it takes over, do not write the same objects side by side.
     * A phase already started still finishes (a Grafana sync can take seconds), beside the new leader's first
     * reconcile.
     */
    private boolean lostTheLead(TempoGateway gateway, String phase) {
        if (leadership.isLeader()) {
            return false;
        }
        LOG.infof("Lost the lead while reconciling TempoGateway %s: left %s to the new leader", gateway.key(), phase);
        return true;
    }

    /** Nothing can be done with this TempoGateway as it is: say why, on it only, and touch nothing else. */
    private void refuse(TempoGateway gateway, List<Condition> conditions) {
        TempoGatewayStatus status = new TempoGatewayStatus();
        status.observedGeneration = gateway.getMetadata().getGeneration();
        List<Condition> before = gateway.getStatus() == null ? List.of() : gateway.getStatus().conditions;
        status.conditions = Conditions.stamp(before, conditions, status.observedGeneration, Instant.now());
        statusWriter.write(gateway, status);
        events.transitions(gateway, before, status.conditions);
    }

    /**
     * Says in Ready what the API server refused (an admission webhook, a quota, a policy): the status would
     * otherwise go on saying what the last reconcile found, Ready True perhaps, for as long as the refusal lasts.
     * The other conditions, the tenants and the configETag stay as they were; the transition is an Event.
     */
    private void tellRefusal(TempoGateway gateway, KubernetesClientException refusal) {
        String why = refusal.getStatus() != null && refusal.getStatus().getMessage() != null
                ? refusal.getStatus().getMessage() : refusal.getMessage();
        Condition ready = Conditions.of(Conditions.READY, false, WRITE_REFUSED, "the API server refused a write"
                + (refusal.getCode() > 0 ? " (HTTP " + refusal.getCode() + ")" : "") + ": " + why + " (retrying)");
        List<Condition> previous = conditionsOf(gateway);
        TempoGatewayStatus status = withConditions(gateway, List.of(ready));
        try {
            statusWriter.write(gateway, status);
            events.transitions(gateway, previous, status.conditions);
        } catch (KubernetesClientException statusRefused) {
            // The refused write may have been the status itself; the retry tries both again.
            LOG.debugf("TempoGateway %s: the refusal could not be told in its status either: %s", gateway.key(), statusRefused.getMessage());
        }
    }

    private static Condition nameTooLong(TempoGateway gateway) {
        return Conditions.of(Conditions.READY, false, NAME_TOO_LONG, TempoGateway.NAME_LENGTH_MESSAGE + " (it has "
                + gateway.getMetadata().getName().length() + "): nothing is made for it; recreate the TempoGateway under a shorter name");
    }

    private TempoGateway withQueryFrontend(TempoGateway effective, String url) {
        // A copy: the effective spec may be the informer's cached object.
        TempoGateway copy = client.getKubernetesSerialization().clone(effective);
        copy.getSpec().upstream.queryFrontend = url;
        return copy;
    }

    private void recordExposure(TempoGateway gateway, String kind, QueryFrontendIngress.Result exposure) {
        switch (exposure.write()) {
            case CREATED -> events.record(gateway, GatewayEventRecorder.NORMAL, kind + "Created", "Created " + kind + " " + exposure.name());
            case UPDATED -> events.record(gateway, GatewayEventRecorder.NORMAL, kind + "Updated", "Updated " + kind + " " + exposure.name());
            case DELETED -> events.record(gateway, GatewayEventRecorder.NORMAL, kind + "Deleted", "Deleted " + kind + " " + exposure.name() + ": no longer asked for");
            default -> {
            }
        }
    }

    /** Told once: the datasources of a Grafana the spec no longer names are deleted, or left there for good. */
    private void recordPreviousGrafana(TempoGateway gateway, PreviousGrafanaCleanup.Report previous) {
        if (previous.allDeleted()) {
            events.record(gateway, GatewayEventRecorder.NORMAL, "DatasourcesDeleted", previous.message());
        } else {
            events.record(gateway, GatewayEventRecorder.WARNING, "DatasourcesLeftBehind", previous.message());
        }
    }

    private ReconcileResult cleanUp(TempoGateway gateway) {
        if (!gateway.hasFinalizer(TempoGateway.CLEANUP_FINALIZER)) {
            return ReconcileResult.GONE;
        }
        // A credentials Secret the provisioner may no longer read is as gone as a deleted one: the last Grafana
        // connection that worked is used then.
        DatasourceSync.CleanupResult cleanup = datasourceSync.deleteAll(gateway, watch.secrets().refusedAsAbsent());
        if (!cleanup.done()) {
            Instant deadline = deletedAt(gateway).plus(cleanupTimeout);
            if (Instant.now().isBefore(deadline)) {
                String message = cleanup.message() + " (retrying until " + deadline.truncatedTo(ChronoUnit.SECONDS)
                        + ", then the datasources are left in Grafana)";
                events.record(gateway, GatewayEventRecorder.WARNING, "CleanupFailed", message);
                reportCleanup(gateway, List.of(Conditions.of(Conditions.READY, false, "CleanupFailed", message),
                        Conditions.of(Conditions.DATASOURCES_SYNCED, false, "CleanupFailed", message)));
                return ReconcileResult.FAILED;
            }
            // Grafana stayed away past tracegate.provisioner.cleanup-timeout: let the deletion finish.
            // The last error names the Grafana (spec.grafana may be gone: the last connection that worked was tried).
            cleanup = new DatasourceSync.CleanupResult(true, false, "gave up after " + cleanupTimeout
                    + ": the datasources of " + gateway.key() + " are left in Grafana (delete them there by hand); last error: "
                    + cleanup.message());
        }
        // First the finalizer: a removal that conflicts is retried, and the Event must not be told twice.
        finalizers.remove(gateway);
        if (cleanup.complete()) {
            events.record(gateway, GatewayEventRecorder.NORMAL, "CleanedUp", cleanup.message());
        } else {
            events.record(gateway, GatewayEventRecorder.WARNING, "CleanupAbandoned", cleanup.message());
        }
        lastWorkingGrafana.forget(gateway.key());
        forgetUnnamedTempoResources();
        LOG.infof("TempoGateway %s deleted: %s", gateway.key(), cleanup.message());
        return ReconcileResult.CLEANED_UP;
    }

    /** While the cleanup retries, the status says why the TempoGateway is still there. */
    private void reportCleanup(TempoGateway gateway, List<Condition> changed) {
        statusWriter.write(gateway, withConditions(gateway, changed));
    }

    /**
     * The last status written, with these conditions (Ready first, when among them) stamped for the current
     * generation and the others as the last reconcile stamped them: each condition's observedGeneration says which
     * spec it was judged against, and those not judged again were judged against an older one.
     */
    private TempoGatewayStatus withConditions(TempoGateway gateway, List<Condition> changed) {
        TempoGatewayStatus before = gateway.getStatus();
        List<Condition> previous = conditionsOf(gateway);
        TempoGatewayStatus status = before == null ? new TempoGatewayStatus() : client.getKubernetesSerialization().clone(before);
        status.conditions = new ArrayList<>(Conditions.stamp(previous, changed, gateway.getMetadata().getGeneration(), Instant.now()));
        previous.stream().filter(c -> changed.stream().noneMatch(n -> n.type.equals(c.type))).forEach(status.conditions::add);
        return status;
    }

    private static List<Condition> conditionsOf(TempoGateway gateway) {
        TempoGatewayStatus status = gateway.getStatus();
        return status == null || status.conditions == null ? List.of() : status.conditions;
    }

    private static Instant deletedAt(TempoGateway gateway) {
        String timestamp = gateway.getMetadata().getDeletionTimestamp();
        return timestamp == null ? Instant.now() : Instant.parse(timestamp);
    }

    /**
     * A gateway that is gone: the last Grafana connection that worked for it (credentials included), and the watches
     * of TempoStacks and TempoMonolithics that only it named. Asked on every replica, not only by the leader's
     * reconcile: a follower's publishes start such watches too, and a replica that led before keeps connections.
     */
    public void forgetGone(String key) {
        lastWorkingGrafana.forget(key);
        forgetUnnamedTempoResources();
    }

    /** Stops watching TempoStacks and TempoMonolithics that no TempoGateway names any more. */
    private void forgetUnnamedTempoResources() {
        tempoResources.retainOnly(() -> watch.gatewayKeys().stream().map(watch::gateway).flatMap(Optional::stream)
                .map(TempoResourceWatch.Ref::of).flatMap(Optional::stream).toList());
    }

    private static Condition secretsCondition(TempoGateway gateway, TenantSecretSync.Report report) {
        if (!report.plan().configured()) {
            return Conditions.of(Conditions.SECRETS_SYNCED, true, "NotConfigured", "spec.secretSync is not set: tenants read their own Secrets");
        }
        if (report.plan().problem() != null) {
            return Conditions.of(Conditions.SECRETS_SYNCED, false, "SourceSecretMissing", report.plan().problem());
        }
        List<SecretWrite> refused = report.refused();
        if (!refused.isEmpty()) {
            return Conditions.of(Conditions.SECRETS_SYNCED, false, "ForeignSecret", refused.stream()
                    .map(w -> "Secret " + w.name() + " exists and is not managed by Tracegate (" + w.detail() + "): left unchanged")
                    .collect(Collectors.joining("; ")));
        }
        return Conditions.of(Conditions.SECRETS_SYNCED, true, "Synced", report.plan().desired().size()
                + " tenant Secret(s) in sync with source Secret " + gateway.getSpec().secretSync.sourceSecret);
    }

    private static Condition configCondition(TempoGateway gateway, ConfigResolution config) {
        if (gateway.getSpec().gateway != null && !gateway.getSpec().gateway.routesThroughGateway()) {
            // Grafana reads Tempo directly: no gateway fetches a configuration, so its OIDC Secrets are not needed.
            return Conditions.of(Conditions.CONFIG_PUBLISHED, true, "GatewayDisabled",
                    "spec.gateway.enabled is false: no gateway reads a configuration");
        }
        if (config instanceof ConfigResolution.Resolved resolved) {
            return Conditions.of(Conditions.CONFIG_PUBLISHED, true, "Published", "configuration served with ETag " + resolved.etag());
        }
        if (config instanceof ConfigResolution.Invalid invalid) {
            return Conditions.of(Conditions.CONFIG_PUBLISHED, false, GatewayConfigResolver.INVALID_TENANTS, invalid.message());
        }
        ConfigResolution.Unresolved unresolved = (ConfigResolution.Unresolved) config;
        return Conditions.of(Conditions.CONFIG_PUBLISHED, false, unresolved.reason(), unresolved.message());
    }

    /** "namespace/name" to the resourceVersion written, for each Secret created or updated. */
    private static Map<String, String> written(TempoGateway gateway, List<SecretWrite> writes) {
        return writes.stream()
                .filter(w -> w.result() == WriteResult.CREATED || w.result() == WriteResult.UPDATED)
                .filter(w -> w.secret() != null && w.secret().getMetadata().getResourceVersion() != null)
                .collect(Collectors.toMap(w -> gateway.getMetadata().getNamespace() + "/" + w.name(),
                        w -> w.secret().getMetadata().getResourceVersion(), (a, b) -> b));
    }

    /** One Event per kind of write, naming the Secrets: a rotation of a thousand tenants makes three Events at most, not a thousand. */
    private void recordWrites(TempoGateway gateway, List<SecretWrite> writes) {
        recordWrites(gateway, writes, WriteResult.CREATED, "SecretCreated", "Created");
        recordWrites(gateway, writes, WriteResult.UPDATED, "SecretUpdated", "Updated");
        recordWrites(gateway, writes, WriteResult.DELETED, "SecretDeleted", "Deleted");
    }

    private void recordWrites(TempoGateway gateway, List<SecretWrite> writes, WriteResult kind, String reason, String verb) {
        List<String> names = writes.stream().filter(w -> w.result() == kind).map(SecretWrite::name).toList();
        if (names.isEmpty()) {
            return;
        }
        String listed = Listing.firstOf(names, EVENT_NAMES, ", ");
        String message = verb + (names.size() == 1 ? " Secret " : " " + names.size() + " Secrets: ") + listed
                + (kind == WriteResult.DELETED ? ": no tenant reads " + (names.size() == 1 ? "it" : "them") : "");
        events.record(gateway, GatewayEventRecorder.NORMAL, reason, message);
        // One line per kind, as the Event: a rotation of 1,000 tenants is one line, not 1,000 (each is at DEBUG).
        LOG.infof("TempoGateway %s: %s", gateway.key(), message);
    }

    private static List<Condition> concat(Condition first, List<Condition> rest) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream()).toList();
    }
}
