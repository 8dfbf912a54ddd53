package dev.tracegate.provisioner.datasources;

import dev.tracegate.provisioner.grafana.DatasourceRequest;
import dev.tracegate.provisioner.grafana.GrafanaConnection;

/**
 * Where and what to sync in Grafana for one TempoGateway, or why it cannot be said yet.
 *
 * @param connection Grafana and the credentials to use (null when {@code problem} is set)
 * @param request    the datasources wanted (null when {@code problem} is set)
 * @param reason     a condition reason when something is missing, else null
 * @param problem    what is missing, naming the Secret or field (never a value), else null
 */
public record GrafanaTarget(GrafanaConnection connection, DatasourceRequest request, String reason, String problem) {

    static GrafanaTarget missing(String reason, String problem) {
        return new GrafanaTarget(null, null, reason, problem);
    }

    /** This target, trusting {@code caPem} for the datasource URL unless a CA is already given (spec.grafana.datasource.caSecret wins). */
    public GrafanaTarget withDatasourceCa(String caPem) {
        if (caPem == null || request == null || request.tlsCaPem() != null) {
            return this;
        }
        DatasourceRequest r = request;
        return new GrafanaTarget(connection, new DatasourceRequest(r.owner(), r.throughGateway(), r.gatewayUrl(), r.queryFrontendUrl(),
                r.authMode(), r.bearerToken(), caPem, r.extraJsonData(), r.nameTemplate(), r.tenants()), reason, problem);
    }

    public boolean resolved() {
        return problem == null;
    }
}
