package dev.tracegate.provisioner.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.provisioner.parallel.BoundedParallel;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keeps one Tempo datasource per tenant in Grafana, as a TempoGateway wants them, and removes the ones it no
 * longer wants. Owns only datasources marked with the owner ({@link OwnershipMarker}): the TempoGateway's
 * {@code namespace/name}, in this cluster ({@link DatasourceOwner}). Blocking: call from a
 * worker thread.
 */
@ApplicationScoped
public class GrafanaDatasources {

    private static final Logger LOG = Logger.getLogger(GrafanaDatasources.class);

    private final GrafanaClients clients;
    private final MeterRegistry registry;
    private final BoundedParallel parallel;
    private final Optional<String> cluster;

    @Inject
    public GrafanaDatasources(GrafanaClients clients, MeterRegistry registry, BoundedParallel parallel, GrafanaConfig config) {
        this.clients = clients;
        this.registry = registry;
        this.parallel = parallel;
        this.cluster = config.cluster();
    }

    /**
     * Creates, updates or deletes the owner's datasources so that Grafana matches the request. Returns one status
     * per requested tenant, then one per datasource deleted. When Grafana is unusable the report says so
     * ({@code grafanaReachable=false}) and lists only what was done before, deletions included; the caller retries.
     */
    public SyncReport sync(GrafanaConnection grafana, DatasourceRequest gatewayRequest) {
        DatasourceRequest request = gatewayRequest.ownedBy(DatasourceOwner.of(gatewayRequest.owner(), cluster));
        List<DesiredDatasource> desired;
        try {
            desired = DesiredDatasources.from(request);
        } catch (IllegalArgumentException invalid) {
            return invalidRequest(request, invalid.getMessage());
        }
        List<TenantDatasourceStatus> statuses = new ArrayList<>();
        List<TenantDatasourceStatus> deleted = new ArrayList<>();
        try (GrafanaClients.Lease client = clients.lease(grafana)) {
            GrafanaHttp http = http(client, SecretScrubber.of(grafana, request));
            Set<String> wanted = desired.stream().map(DesiredDatasource::uid).collect(Collectors.toSet());
            // Stale ones first, so that a datasource renamed between tenants frees its name before we create.
            deleteOwned(http, request.owner(), wanted, deleted);
            TenantDatasourceSync tenantSync = new TenantDatasourceSync(http, request.owner());
            // A few tenants at a time: one each in a row waits a thousand round trips for a thousand tenants.
            BoundedParallel.Results<TenantDatasourceStatus> synced = parallel.map(desired, tenantSync::apply);
            statuses.addAll(synced.done());
            if (synced.failure() != null) {
                throw synced.failure();
            }
            return new SyncReport(true, null, concat(statuses, deleted));
        } catch (GrafanaUnavailableException | IllegalArgumentException e) {
            LOG.warnf("Grafana sync for %s stopped: %s", request.owner(), e.getMessage());
            return new SyncReport(false, e.getMessage(), concat(statuses, deleted));
        } finally {
            // What was done, also when Grafana stopped answering on the way.
            DatasourceChangeLog.log(request.owner(), concat(statuses, deleted));
        }
    }

    /** Deletes every datasource the TempoGateway made (it is deleted); a datasource already gone is fine. */
    public SyncReport deleteAll(GrafanaConnection grafana, String gatewayKey) {
        String owner = DatasourceOwner.of(gatewayKey, cluster);
        List<TenantDatasourceStatus> deleted = new ArrayList<>();
        try (GrafanaClients.Lease client = clients.lease(grafana)) {
            GrafanaHttp http = http(client, SecretScrubber.of(grafana, null));
            deleteOwned(http, owner, Set.of(), deleted);
            return new SyncReport(true, null, deleted);
        } catch (GrafanaUnavailableException | IllegalArgumentException e) {
            LOG.warnf("Grafana cleanup for %s stopped: %s", owner, e.getMessage());
            return new SyncReport(false, e.getMessage(), deleted);
        } finally {
            DatasourceChangeLog.log(owner, deleted);
        }
    }

    /**
     * The org the connection works in: its orgId when set, else the org Grafana says its credentials belong to;
     * empty when Grafana cannot say (unreachable, or the credentials are refused).
     */
    public Optional<Long> orgOf(GrafanaConnection grafana) {
        return grafana.orgId() != null ? Optional.of(grafana.orgId()) : currentOrg(grafana);
    }

    /** Whether Grafana takes these credentials in the org they name (their own when none), so a sync could work. */
    public boolean worksIn(GrafanaConnection grafana) {
        return currentOrg(grafana).filter(id -> grafana.orgId() == null || grafana.orgId().equals(id)).isPresent();
    }

    /** The org Grafana works in for this connection ({@code GET /api/org}); empty when it cannot say. */
    private Optional<Long> currentOrg(GrafanaConnection grafana) {
        try (GrafanaClients.Lease client = clients.lease(grafana)) {
            GrafanaResponse org = http(client, SecretScrubber.of(grafana, null)).currentOrg();
            JsonNode id = org.body().path("id");
            return org.ok() && id.isIntegralNumber() ? Optional.of(id.asLong()) : Optional.empty();
        } catch (GrafanaUnavailableException | IllegalArgumentException e) {
            LOG.debugf("Grafana %s cannot say which org its credentials work in: %s", grafana.url(), e.getMessage());
            return Optional.empty();
        }
    }

    private GrafanaHttp http(GrafanaClients.Lease client, SecretScrubber scrubber) {
        return new GrafanaHttp(client.api(), registry, scrubber);
    }

    /**
     * Deletes the owner's datasources whose uid is not in {@code keep}, found by the marker in the list, and adds what
     * it did to {@code deleted} as it goes (so that it is known when a later call throws).
     */
    private static void deleteOwned(GrafanaHttp http, String owner, Set<String> keep, List<TenantDatasourceStatus> deleted) {
        GrafanaResponse list = http.list();
        if (!list.ok() || !list.body().isArray()) {
            throw new GrafanaUnavailableException("listing Grafana datasources failed: " + http.scrubber().scrub(list.message()));
        }
        for (JsonNode datasource : list.body()) {
            String uid = datasource.path("uid").asText();
            if (!OwnershipMarker.isOwnedBy(datasource, owner) || keep.contains(uid)) {
                continue;
            }
            String tenant = datasource.path("jsonData").path(OwnershipMarker.TENANT).asText(null);
            String name = datasource.path("name").asText();
            GrafanaResponse answer = http.delete(uid);
            if (answer.ok() || answer.notFound()) {
                LOG.debugf("deleted Grafana datasource %s (%s) of %s", uid, name, owner);
                deleted.add(new TenantDatasourceStatus(tenant, uid, name, Outcome.DELETED, null, null));
            } else {
                String why = http.scrubber().scrub(answer.failure("deleting datasource " + uid, "deleting failed: "));
                LOG.warnf("Grafana datasource %s (%s) of %s not deleted: %s", uid, name, owner, why);
                deleted.add(new TenantDatasourceStatus(tenant, uid, name, Outcome.FAILED, why, null));
            }
        }
    }

    private static List<TenantDatasourceStatus> concat(List<TenantDatasourceStatus> first, List<TenantDatasourceStatus> then) {
        return Stream.concat(first.stream(), then.stream()).toList();
    }

    private static SyncReport invalidRequest(DatasourceRequest request, String message) {
        List<TenantDatasourceStatus> failed = new ArrayList<>();
        for (DatasourceRequest.Tenant tenant : request.tenants()) {
            String name = tenant == null ? null : tenant.tenantName();
            String uid = name == null || request.owner() == null ? null : DatasourceUid.of(request.owner(), name);
            failed.add(new TenantDatasourceStatus(name, uid, null, Outcome.FAILED, "invalid datasource settings: " + message, null));
        }
        return new SyncReport(true, null, failed);
    }
}
