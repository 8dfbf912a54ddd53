package dev.tracegate.provisioner.datasources;

import dev.tracegate.provisioner.grafana.GrafanaConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last Grafana connection (URL, credentials, CA) that worked for each TempoGateway, in memory. Deleting a
 * namespace deletes the Grafana credentials Secret together with the TempoGateway; the finalizer's cleanup then
 * uses this to delete the datasources all the same. It is also where the datasources are when spec.grafana moves
 * to another Grafana or org, or goes ({@link PreviousGrafanaCleanup}). The leader fills it at its first sync of each
 * gateway (it syncs every gateway when it takes the lead), so only a cleanup that races a change of leader can miss
 * it; and a change of spec.grafana made while no provisioner ran is not seen as a move after a restart.
 */
@ApplicationScoped
public class LastWorkingGrafana {
    private final Map<String, GrafanaConnection> byGateway = new ConcurrentHashMap<>();

    void remember(String gatewayKey, GrafanaConnection connection) {
        byGateway.put(gatewayKey, connection);
    }

    /** Whether a Grafana worked for the gateway and still holds its datasources, as far as this replica knows. */
    public boolean holdsDatasourcesOf(String gatewayKey) {
        return byGateway.containsKey(gatewayKey);
    }

    Optional<GrafanaConnection> of(String gatewayKey) {
        return Optional.ofNullable(byGateway.get(gatewayKey));
    }

    /** The gateway is gone (its cleanup is over): its credentials are no longer kept. */
    public void forget(String gatewayKey) {
        byGateway.remove(gatewayKey);
    }
}
